package dev.bpftime.compat.attr;

/** BPF_*_GET_NEXT_ID and BPF_*_GET_FD_BY_ID: the "anonymous struct used by BPF_*_GET_*_ID". */
public final class IdAttr {

    /** Shares its bytes with prog_id, map_id, btf_id and link_id (a union in the header). */
    public static final AttrField START_ID = new AttrField("start_id", 0, 4);
    public static final AttrField PROG_ID = new AttrField("prog_id", 0, 4);
    public static final AttrField MAP_ID = new AttrField("map_id", 0, 4);
    public static final AttrField BTF_ID = new AttrField("btf_id", 0, 4);
    public static final AttrField LINK_ID = new AttrField("link_id", 0, 4);
    public static final AttrField NEXT_ID = new AttrField("next_id", 4, 4);
    public static final AttrField OPEN_FLAGS = new AttrField("open_flags", 8, 4);

    /** BPF_OBJ_GET_NEXT_ID_LAST_FIELD next_id (all four kinds). */
    public static final AttrLayout GET_NEXT_ID = AttrLayout.of("get_id", START_ID, NEXT_ID);
    /** BPF_PROG_GET_FD_BY_ID_LAST_FIELD prog_id. */
    public static final AttrLayout PROG_GET_FD_BY_ID = AttrLayout.of("get_id", PROG_ID);
    /** BPF_MAP_GET_FD_BY_ID_LAST_FIELD open_flags. */
    public static final AttrLayout MAP_GET_FD_BY_ID = AttrLayout.of("get_id", MAP_ID, NEXT_ID, OPEN_FLAGS);
    /** BPF_BTF_GET_FD_BY_ID_LAST_FIELD btf_id (6.1; open_flags and a token fd came with 6.9). */
    public static final AttrLayout BTF_GET_FD_BY_ID = AttrLayout.of("get_id", BTF_ID);
    /** BPF_LINK_GET_FD_BY_ID_LAST_FIELD link_id. */
    public static final AttrLayout LINK_GET_FD_BY_ID = AttrLayout.of("get_id", LINK_ID);

    private IdAttr() {
    }
}
