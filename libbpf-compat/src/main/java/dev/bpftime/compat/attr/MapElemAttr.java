package dev.bpftime.compat.attr;

/** BPF_MAP_*_ELEM, BPF_MAP_GET_NEXT_KEY, BPF_MAP_FREEZE: the "anonymous struct used by BPF_MAP_*_ELEM commands". */
public final class MapElemAttr {

    public static final AttrField MAP_FD = new AttrField("map_fd", 0, 4);
    public static final AttrField KEY = new AttrField("key", 8, 8);
    /** Shares its bytes with next_key (a union in the header). */
    public static final AttrField VALUE = new AttrField("value", 16, 8);
    public static final AttrField NEXT_KEY = new AttrField("next_key", 16, 8);
    public static final AttrField FLAGS = new AttrField("flags", 24, 8);

    private static final AttrLayout STRUCT = AttrLayout.of("map_elem", MAP_FD, KEY, VALUE, FLAGS);

    /** BPF_MAP_LOOKUP_ELEM_LAST_FIELD, _UPDATE_ELEM_, _LOOKUP_AND_DELETE_ELEM_: flags. */
    public static final AttrLayout WITH_FLAGS = STRUCT;
    /** BPF_MAP_DELETE_ELEM_LAST_FIELD key. */
    public static final AttrLayout DELETE = STRUCT.upTo(KEY);
    /** BPF_MAP_GET_NEXT_KEY_LAST_FIELD next_key. */
    public static final AttrLayout GET_NEXT_KEY = AttrLayout.of("map_elem", MAP_FD, KEY, NEXT_KEY);
    /** BPF_MAP_FREEZE_LAST_FIELD map_fd. */
    public static final AttrLayout FREEZE = STRUCT.upTo(MAP_FD);

    private MapElemAttr() {
    }
}
