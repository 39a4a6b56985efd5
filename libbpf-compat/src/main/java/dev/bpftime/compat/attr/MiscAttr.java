package dev.bpftime.compat.attr;

/**
 * BPF_ENABLE_STATS, BPF_PROG_BIND_MAP, BPF_TOKEN_CREATE and BPF_PROG_STREAM_READ_BY_FD: union bpf_attr's
 * {@code enable_stats}, {@code prog_bind_map}, {@code token_create} and {@code prog_stream_read}.
 */
public final class MiscAttr {

    public static final AttrField STATS_TYPE = new AttrField("enable_stats.type", 0, 4);
    public static final AttrField BIND_PROG_FD = new AttrField("prog_bind_map.prog_fd", 0, 4);
    public static final AttrField BIND_MAP_FD = new AttrField("prog_bind_map.map_fd", 4, 4);
    public static final AttrField BIND_FLAGS = new AttrField("prog_bind_map.flags", 8, 4);

    /** Linux 6.9. */
    public static final AttrField TOKEN_CREATE_FLAGS = new AttrField("token_create.flags", 0, 4);
    public static final AttrField TOKEN_CREATE_BPFFS_FD = new AttrField("token_create.bpffs_fd", 4, 4);
    /** Linux 6.17. */
    public static final AttrField STREAM_BUF = new AttrField("prog_stream_read.stream_buf", 0, 8);
    public static final AttrField STREAM_BUF_LEN = new AttrField("prog_stream_read.stream_buf_len", 8, 4);
    public static final AttrField STREAM_ID = new AttrField("prog_stream_read.stream_id", 12, 4);
    public static final AttrField STREAM_PROG_FD = new AttrField("prog_stream_read.prog_fd", 16, 4);

    /** BPF_ENABLE_STATS_LAST_FIELD enable_stats.type. */
    public static final AttrLayout ENABLE_STATS = AttrLayout.of("enable_stats", STATS_TYPE);
    /** BPF_PROG_BIND_MAP_LAST_FIELD prog_bind_map.flags. */
    public static final AttrLayout PROG_BIND_MAP = AttrLayout.of("prog_bind_map", BIND_PROG_FD, BIND_MAP_FD,
            BIND_FLAGS);

    /** BPF_TOKEN_CREATE_LAST_FIELD token_create.bpffs_fd. */
    public static final AttrLayout TOKEN_CREATE = AttrLayout.of("token_create", TOKEN_CREATE_FLAGS,
            TOKEN_CREATE_BPFFS_FD);
    /** BPF_PROG_STREAM_READ_BY_FD_LAST_FIELD prog_stream_read.prog_fd. */
    public static final AttrLayout PROG_STREAM_READ = AttrLayout.of("prog_stream_read", STREAM_BUF, STREAM_BUF_LEN,
            STREAM_ID, STREAM_PROG_FD);

    private MiscAttr() {
    }
}
