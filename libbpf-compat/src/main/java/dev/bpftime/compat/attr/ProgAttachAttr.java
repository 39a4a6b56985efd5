package dev.bpftime.compat.attr;

/** BPF_PROG_ATTACH and BPF_PROG_DETACH: the "anonymous struct used by BPF_PROG_ATTACH/DETACH commands". */
public final class ProgAttachAttr {

    public static final AttrField TARGET_FD = new AttrField("target_fd", 0, 4);
    public static final AttrField ATTACH_BPF_FD = new AttrField("attach_bpf_fd", 4, 4);
    public static final AttrField ATTACH_TYPE = new AttrField("attach_type", 8, 4);
    public static final AttrField ATTACH_FLAGS = new AttrField("attach_flags", 12, 4);
    public static final AttrField REPLACE_BPF_FD = new AttrField("replace_bpf_fd", 16, 4);

    /** BPF_PROG_ATTACH_LAST_FIELD replace_bpf_fd. */
    public static final AttrLayout ATTACH = AttrLayout.of("prog_attach", TARGET_FD, ATTACH_BPF_FD, ATTACH_TYPE,
            ATTACH_FLAGS, REPLACE_BPF_FD);
    /** BPF_PROG_DETACH_LAST_FIELD attach_type. */
    public static final AttrLayout DETACH = ATTACH.upTo(ATTACH_TYPE);

    private ProgAttachAttr() {
    }
}
