package dev.bpftime.maps;

/** Flag bits of union bpf_attr as include/uapi/linux/bpf.h defines them. */
public final class MapFlags {
    private MapFlags() {
    }

    // map_flags of BPF_MAP_CREATE
    public static final int NO_PREALLOC = 1;
    public static final int NO_COMMON_LRU = 1 << 1;
    public static final int NUMA_NODE = 1 << 2;
    public static final int RDONLY = 1 << 3;
    public static final int WRONLY = 1 << 4;
    public static final int STACK_BUILD_ID = 1 << 5;
    public static final int ZERO_SEED = 1 << 6;
    public static final int RDONLY_PROG = 1 << 7;
    public static final int WRONLY_PROG = 1 << 8;
    public static final int CLONE = 1 << 9;
    public static final int MMAPABLE = 1 << 10;
    public static final int PRESERVE_ELEMS = 1 << 11;
    public static final int INNER_MAP = 1 << 12;

    /** BPF_F_ACCESS_MASK */
    public static final int ACCESS_MASK = RDONLY | RDONLY_PROG | WRONLY | WRONLY_PROG;

    // flags of BPF_MAP_UPDATE_ELEM and friends
    public static final long ANY = 0;
    public static final long NOEXIST = 1;
    public static final long EXIST = 2;
    public static final long F_LOCK = 4;

    // ring buffer output flags
    public static final long RB_NO_WAKEUP = 1;
    public static final long RB_FORCE_WAKEUP = 2;
}
