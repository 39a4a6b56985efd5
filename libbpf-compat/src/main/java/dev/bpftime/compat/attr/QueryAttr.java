package dev.bpftime.compat.attr;

/** BPF_PROG_QUERY: union bpf_attr's {@code query}. */
public final class QueryAttr {

    public static final AttrField TARGET_FD = new AttrField("query.target_fd", 0, 4);
    public static final AttrField ATTACH_TYPE = new AttrField("query.attach_type", 4, 4);
    public static final AttrField QUERY_FLAGS = new AttrField("query.query_flags", 8, 4);
    public static final AttrField ATTACH_FLAGS = new AttrField("query.attach_flags", 12, 4);
    public static final AttrField PROG_IDS = new AttrField("query.prog_ids", 16, 8);
    public static final AttrField PROG_CNT = new AttrField("query.prog_cnt", 24, 4);
    public static final AttrField PROG_ATTACH_FLAGS = new AttrField("query.prog_attach_flags", 32, 8);
    public static final AttrField LINK_IDS = new AttrField("query.link_ids", 40, 8);
    public static final AttrField LINK_ATTACH_FLAGS = new AttrField("query.link_attach_flags", 48, 8);
    public static final AttrField REVISION = new AttrField("query.revision", 56, 8);

    /** BPF_PROG_QUERY_LAST_FIELD query.revision (Linux 6.6 on; 6.1 stopped at prog_attach_flags). */
    public static final AttrLayout LAYOUT = AttrLayout.of("query", TARGET_FD, ATTACH_TYPE, QUERY_FLAGS, ATTACH_FLAGS,
            PROG_IDS, PROG_CNT, PROG_ATTACH_FLAGS, LINK_IDS, LINK_ATTACH_FLAGS, REVISION);

    private QueryAttr() {
    }
}
