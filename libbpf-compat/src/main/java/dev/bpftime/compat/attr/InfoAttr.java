package dev.bpftime.compat.attr;

/** BPF_OBJ_GET_INFO_BY_FD: union bpf_attr's {@code info}. */
public final class InfoAttr {

    public static final AttrField BPF_FD = new AttrField("info.bpf_fd", 0, 4);
    /** In: the size of the caller's info struct; out: how much of it the kernel filled. */
    public static final AttrField INFO_LEN = new AttrField("info.info_len", 4, 4);
    public static final AttrField INFO = new AttrField("info.info", 8, 8);

    /** BPF_OBJ_GET_INFO_BY_FD_LAST_FIELD info.info. */
    public static final AttrLayout LAYOUT = AttrLayout.of("info", BPF_FD, INFO_LEN, INFO);

    private InfoAttr() {
    }
}
