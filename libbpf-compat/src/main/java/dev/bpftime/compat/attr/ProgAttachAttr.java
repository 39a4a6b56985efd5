package dev.bpftime.compat.attr;

/** BPF_PROG_ATTACH and BPF_PROG_DETACH: the "anonymous struct used by BPF_PROG_ATTACH/DETACH commands". */
public final class ProgAttachAttr {

    public static final AttrField TARGET_FD = new AttrField("target_fd", 0, 4);
    public static final AttrField ATTACH_BPF_FD = new AttrField("attach_bpf_fd", 4, 4);
    public static final AttrField ATTACH_TYPE = new AttrField("attach_type", 8, 4);
    public static final AttrField ATTACH_FLAGS = new AttrField("attach_flags", 12, 4);
    public static final AttrField REPLACE_BPF_FD = new AttrField("replace_bpf_fd", 16, 4);
    /** relative_fd / relative_id (Linux 6.6, the mprog API). */
    public static final AttrField RELATIVE_FD = new AttrField("relative_fd", 20, 4);
    public static final AttrField EXPECTED_REVISION = new AttrField("expected_revision", 24, 8);

    /**
     * BPF_PROG_ATTACH_LAST_FIELD and BPF_PROG_DETACH_LAST_FIELD expected_revision (Linux 6.6 on; 6.1
     * stopped at replace_bpf_fd and attach_type): the running kernel's layout, so that a field it has
     * is a field here too.
     */
    public static final AttrLayout ATTACH = AttrLayout.of("prog_attach", TARGET_FD, ATTACH_BPF_FD, ATTACH_TYPE,
            ATTACH_FLAGS, REPLACE_BPF_FD, RELATIVE_FD, EXPECTED_REVISION);
    public static final AttrLayout DETACH = ATTACH;

    private ProgAttachAttr() {
    }
}
