package dev.bpftime.compat.attr;

/** BPF_MAP_CREATE: union bpf_attr's "anonymous struct used by BPF_MAP_CREATE command" (include/uapi/linux/bpf.h). */
public final class MapCreateAttr {

    public static final AttrField MAP_TYPE = new AttrField("map_type", 0, 4);
    public static final AttrField KEY_SIZE = new AttrField("key_size", 4, 4);
    public static final AttrField VALUE_SIZE = new AttrField("value_size", 8, 4);
    public static final AttrField MAX_ENTRIES = new AttrField("max_entries", 12, 4);
    public static final AttrField MAP_FLAGS = new AttrField("map_flags", 16, 4);
    public static final AttrField INNER_MAP_FD = new AttrField("inner_map_fd", 20, 4);
    public static final AttrField NUMA_NODE = new AttrField("numa_node", 24, 4);
    public static final AttrField MAP_NAME = new AttrField("map_name", 28, 16);
    public static final AttrField MAP_IFINDEX = new AttrField("map_ifindex", 44, 4);
    public static final AttrField BTF_FD = new AttrField("btf_fd", 48, 4);
    public static final AttrField BTF_KEY_TYPE_ID = new AttrField("btf_key_type_id", 52, 4);
    public static final AttrField BTF_VALUE_TYPE_ID = new AttrField("btf_value_type_id", 56, 4);
    public static final AttrField BTF_VMLINUX_VALUE_TYPE_ID = new AttrField("btf_vmlinux_value_type_id", 60, 4);
    public static final AttrField MAP_EXTRA = new AttrField("map_extra", 64, 8);

    /** BPF_MAP_CREATE_LAST_FIELD map_extra. */
    public static final AttrLayout LAYOUT = AttrLayout.of("map_create", MAP_TYPE, KEY_SIZE, VALUE_SIZE, MAX_ENTRIES,
            MAP_FLAGS, INNER_MAP_FD, NUMA_NODE, MAP_NAME, MAP_IFINDEX, BTF_FD, BTF_KEY_TYPE_ID, BTF_VALUE_TYPE_ID,
            BTF_VMLINUX_VALUE_TYPE_ID, MAP_EXTRA);

    private MapCreateAttr() {
    }
}
