package dev.bpftime.compat.attr;

/** BPF_ENABLE_STATS and BPF_PROG_BIND_MAP: union bpf_attr's {@code enable_stats} and {@code prog_bind_map}. */
public final class MiscAttr {

    public static final AttrField STATS_TYPE = new AttrField("enable_stats.type", 0, 4);
    public static final AttrField BIND_PROG_FD = new AttrField("prog_bind_map.prog_fd", 0, 4);
    public static final AttrField BIND_MAP_FD = new AttrField("prog_bind_map.map_fd", 4, 4);
    public static final AttrField BIND_FLAGS = new AttrField("prog_bind_map.flags", 8, 4);

    /** BPF_ENABLE_STATS_LAST_FIELD enable_stats.type. */
    public static final AttrLayout ENABLE_STATS = AttrLayout.of("enable_stats", STATS_TYPE);
    /** BPF_PROG_BIND_MAP_LAST_FIELD prog_bind_map.flags. */
    public static final AttrLayout PROG_BIND_MAP = AttrLayout.of("prog_bind_map", BIND_PROG_FD, BIND_MAP_FD,
            BIND_FLAGS);

    private MiscAttr() {
    }
}
