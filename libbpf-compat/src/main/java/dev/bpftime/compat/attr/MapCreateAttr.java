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
    /** Linux 6.9: the BTF object of a struct_ops map's value type (with BPF_F_VTYPE_BTF_OBJ_FD). */
    public static final AttrField VALUE_TYPE_BTF_OBJ_FD = new AttrField("value_type_btf_obj_fd", 72, 4);
    /** Linux 6.9: a BPF token, read only when map_flags has BPF_F_TOKEN_FD. */
    public static final AttrField MAP_TOKEN_FD = new AttrField("map_token_fd", 76, 4);
    /** Linux 6.18: a pointer to the SHA-256 of the one program that may use the map. */
    public static final AttrField EXCL_PROG_HASH = new AttrField("excl_prog_hash", 80, 8);
    public static final AttrField EXCL_PROG_HASH_SIZE = new AttrField("excl_prog_hash_size", 88, 4);

    /** BPF_MAP_CREATE_LAST_FIELD excl_prog_hash_size (Linux 6.18). */
    public static final AttrLayout LAYOUT = AttrLayout.of("map_create", MAP_TYPE, KEY_SIZE, VALUE_SIZE, MAX_ENTRIES,
            MAP_FLAGS, INNER_MAP_FD, NUMA_NODE, MAP_NAME, MAP_IFINDEX, BTF_FD, BTF_KEY_TYPE_ID, BTF_VALUE_TYPE_ID,
            BTF_VMLINUX_VALUE_TYPE_ID, MAP_EXTRA, VALUE_TYPE_BTF_OBJ_FD, MAP_TOKEN_FD, EXCL_PROG_HASH,
            EXCL_PROG_HASH_SIZE);

    private MapCreateAttr() {
    }
}
