package dev.bpftime.compat.attr;

/** BPF_BTF_LOAD: the "anonymous struct for BPF_BTF_LOAD". */
public final class BtfLoadAttr {

    public static final AttrField BTF = new AttrField("btf", 0, 8);
    public static final AttrField BTF_LOG_BUF = new AttrField("btf_log_buf", 8, 8);
    public static final AttrField BTF_SIZE = new AttrField("btf_size", 16, 4);
    public static final AttrField BTF_LOG_SIZE = new AttrField("btf_log_size", 20, 4);
    public static final AttrField BTF_LOG_LEVEL = new AttrField("btf_log_level", 24, 4);
    /** Output, Linux 6.4; not in the 6.1 header. */
    public static final AttrField BTF_LOG_TRUE_SIZE = new AttrField("btf_log_true_size", 28, 4);

    /** Linux 6.9: BPF_F_TOKEN_FD or nothing. */
    public static final AttrField BTF_FLAGS = new AttrField("btf_flags", 32, 4);
    /** Linux 6.9: a BPF token, read only with BPF_F_TOKEN_FD in btf_flags. */
    public static final AttrField BTF_TOKEN_FD = new AttrField("btf_token_fd", 36, 4);
    /** BPF_BTF_LOAD_LAST_FIELD btf_token_fd (Linux 6.18; btf_log_level in 6.1). */
    public static final AttrLayout LAYOUT = AttrLayout.of("btf_load", BTF, BTF_LOG_BUF, BTF_SIZE, BTF_LOG_SIZE,
            BTF_LOG_LEVEL, BTF_LOG_TRUE_SIZE, BTF_FLAGS, BTF_TOKEN_FD);

    private BtfLoadAttr() {
    }
}
