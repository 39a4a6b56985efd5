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
    /** A BPF token with BPF_F_TOKEN_FD in open_flags; BTF_GET_FD_BY_ID only (Linux 6.18). */
    public static final AttrField FD_BY_ID_TOKEN_FD = new AttrField("fd_by_id_token_fd", 12, 4);

    /** BPF_OBJ_GET_NEXT_ID_LAST_FIELD next_id (all four kinds). */
    public static final AttrLayout GET_NEXT_ID = AttrLayout.of("get_id", START_ID, NEXT_ID);
    /** BPF_PROG_GET_FD_BY_ID_LAST_FIELD prog_id. */
    public static final AttrLayout PROG_GET_FD_BY_ID = AttrLayout.of("get_id", PROG_ID);
    /** BPF_MAP_GET_FD_BY_ID_LAST_FIELD open_flags. */
    public static final AttrLayout MAP_GET_FD_BY_ID = AttrLayout.of("get_id", MAP_ID, NEXT_ID, OPEN_FLAGS);
    /** BPF_BTF_GET_FD_BY_ID_LAST_FIELD fd_by_id_token_fd (Linux 6.18; btf_id in 6.1). */
    public static final AttrLayout BTF_GET_FD_BY_ID = AttrLayout.of("get_id", BTF_ID, NEXT_ID, OPEN_FLAGS,
            FD_BY_ID_TOKEN_FD);
    /** BPF_LINK_GET_FD_BY_ID_LAST_FIELD link_id. */
    public static final AttrLayout LINK_GET_FD_BY_ID = AttrLayout.of("get_id", LINK_ID);

    private IdAttr() {
    }
}
