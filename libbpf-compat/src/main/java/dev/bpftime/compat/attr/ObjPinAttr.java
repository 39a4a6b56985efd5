package dev.bpftime.compat.attr;

/** BPF_OBJ_PIN and BPF_OBJ_GET: the "anonymous struct used by BPF_OBJ_* commands". */
public final class ObjPinAttr {

    public static final AttrField PATHNAME = new AttrField("pathname", 0, 8);
    public static final AttrField BPF_FD = new AttrField("bpf_fd", 8, 4);
    public static final AttrField FILE_FLAGS = new AttrField("file_flags", 12, 4);

    /** BPF_OBJ_LAST_FIELD file_flags (6.1; path_fd came in 6.5). */
    public static final AttrLayout LAYOUT = AttrLayout.of("obj", PATHNAME, BPF_FD, FILE_FLAGS);

    private ObjPinAttr() {
    }
}
