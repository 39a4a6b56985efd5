package dev.bpftime.maps;

/**
 * The checks BPF_MAP_CREATE makes before it allocates, in the kernel's order and with its errnos:
 * map_create() and bpf_get_file_flag() (kernel/bpf/syscall.c), then the type's map_alloc_check
 * (htab_map_alloc_check() in hashtab.c, array_map_alloc_check() and fd_array_map_alloc_check() in
 * arraymap.c) or ringbuf_map_alloc() (ringbuf.c), then map_check_btf()'s rules for a spin lock.
 * What only allocation can tell (E2BIG for layouts too large, ENOMEM) comes from the native layout
 * and the shared-memory budget.
 */
final class MapAttrValidator {
    private static final long KMALLOC_MAX_SIZE = 1L << 22;
    private static final long KERNEL_HTAB_ELEM_SIZE = 48;
    private static final long PCPU_MIN_UNIT_SIZE = 32768;
    private static final int PAGE_SIZE = 4096;

    private static final int HTAB_CREATE_FLAG_MASK = MapFlags.NO_PREALLOC | MapFlags.NO_COMMON_LRU
            | MapFlags.NUMA_NODE | MapFlags.ACCESS_MASK | MapFlags.ZERO_SEED;
    private static final int ARRAY_CREATE_FLAG_MASK = MapFlags.NUMA_NODE | MapFlags.MMAPABLE | MapFlags.ACCESS_MASK
            | MapFlags.PRESERVE_ELEMS | MapFlags.INNER_MAP;
    private static final int RINGBUF_CREATE_FLAG_MASK = MapFlags.NUMA_NODE;
    private static final int STACK_CREATE_FLAG_MASK = MapFlags.NUMA_NODE | MapFlags.RDONLY | MapFlags.WRONLY
            | MapFlags.STACK_BUILD_ID;
    /** sysctl kernel.perf_event_max_stack's default (PERF_MAX_STACK_DEPTH). */
    private static final int PERF_MAX_STACK_DEPTH = 127;
    /** sizeof(struct bpf_stack_build_id) (include/uapi/linux/bpf.h). */
    private static final int STACK_BUILD_ID_SIZE = 32;

    private MapAttrValidator() {
    }

    /**
     * Returns the attributes the map is created with (NO_COMMON_LRU rounds max_entries to a multiple
     * of the CPU count, as htab_map_alloc() does), or throws the kernel's errno.
     */
    static MapAttr validate(MapAttr a, int ncpus) {
        int flags = a.mapFlags();
        if ((flags & MapFlags.RDONLY) != 0 && (flags & MapFlags.WRONLY) != 0) {
            throw new MapException(Errno.EINVAL, "map_flags 0x" + Integer.toHexString(flags)
                    + " has both BPF_F_RDONLY and BPF_F_WRONLY");
        }
        MapType type = MapType.of(a.mapType()).filter(t -> t != MapType.PERF_BUFFER)
                .orElseThrow(() -> new MapException(Errno.EINVAL, "map_type " + a.mapType() + " is not supported"));
        MapAttr checked = switch (type) {
            case HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH -> checkHash(a, type, ncpus);
            case HASH_OF_MAPS -> checkHashOfMaps(a, ncpus);
            case ARRAY_OF_MAPS -> checkFdArray(a, type);
            case ARRAY, PERCPU_ARRAY -> checkArray(a, type);
            case PROG_ARRAY, PERF_EVENT_ARRAY, CGROUP_ARRAY -> checkFdArray(a, type);
            case STACK_TRACE -> checkStackTrace(a);
            case RINGBUF -> checkRingbuf(a);
            case PERF_BUFFER -> throw new IllegalStateException("filtered above");
        };
        checkSpinLock(checked, type);
        return checked;
    }

    /** fd_htab_map_alloc_check() (kernel/bpf/hashtab.c): the value is a 4-byte map fd, then a HASH's checks. */
    private static MapAttr checkHashOfMaps(MapAttr a, int ncpus) {
        if (a.valueSize() != 4) {
            throw new MapException(Errno.EINVAL, "HASH_OF_MAPS: value_size " + a.valueSizeUnsigned()
                    + " vs expected 4 (values are map file descriptors)");
        }
        return checkHash(a, MapType.HASH_OF_MAPS, ncpus);
    }

    /**
     * bpf_map_meta_alloc() (kernel/bpf/map_in_map.c): the inner map template may not itself be a map
     * of maps (EINVAL), nor of a type without map_meta_equal (ENOTSUPP: of ours, PROG_ARRAY).
     */
    static void checkInnerTemplate(MapType inner) {
        if (inner.isMapOfMaps()) {
            throw new MapException(Errno.EINVAL, "inner_map_fd: a " + inner + " cannot be an inner map (one level only)");
        }
        if (inner == MapType.PROG_ARRAY || inner == MapType.PERF_BUFFER) {
            throw new MapException(Errno.ENOTSUPP, "inner_map_fd: a " + inner + " cannot be an inner map");
        }
    }

    private static boolean accessOk(int flags) {
        // bpf_map_flags_access_ok(): not both read-only and write-only for programs
        return (flags & (MapFlags.RDONLY_PROG | MapFlags.WRONLY_PROG))
                != (MapFlags.RDONLY_PROG | MapFlags.WRONLY_PROG);
    }

    private static MapAttr checkHash(MapAttr a, MapType type, int ncpus) {
        int flags = a.mapFlags();
        boolean percpu = type.isPerCpu();
        boolean lru = type.isLru();
        boolean percpuLru = (flags & MapFlags.NO_COMMON_LRU) != 0;
        boolean prealloc = (flags & MapFlags.NO_PREALLOC) == 0;
        boolean numa = (flags & MapFlags.NUMA_NODE) != 0;
        if ((flags & ~HTAB_CREATE_FLAG_MASK) != 0 || !accessOk(flags)) {
            throw new MapException(Errno.EINVAL, type + ": map_flags 0x" + Integer.toHexString(flags)
                    + " has bits outside 0x" + Integer.toHexString(HTAB_CREATE_FLAG_MASK)
                    + " or both BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG");
        }
        if (!lru && percpuLru) {
            throw new MapException(Errno.EINVAL, type + ": BPF_F_NO_COMMON_LRU needs an LRU map");
        }
        if (lru && !prealloc) {
            throw new MapException(Errno.ENOTSUPP, type + ": an LRU map cannot be BPF_F_NO_PREALLOC");
        }
        if (numa && (percpu || percpuLru)) {
            throw new MapException(Errno.EINVAL, type + ": BPF_F_NUMA_NODE with per-CPU storage");
        }
        if (a.maxEntries() == 0 || a.keySize() == 0 || a.valueSize() == 0) {
            throw new MapException(Errno.EINVAL, type + ": max_entries " + a.maxEntriesUnsigned() + ", key_size "
                    + a.keySizeUnsigned() + ", value_size " + a.valueSizeUnsigned() + ": none may be 0");
        }
        if (a.keySizeUnsigned() + a.valueSizeUnsigned() >= KMALLOC_MAX_SIZE - KERNEL_HTAB_ELEM_SIZE) {
            throw new MapException(Errno.E2BIG, type + ": key_size + value_size "
                    + (a.keySizeUnsigned() + a.valueSizeUnsigned()) + " vs limit "
                    + (KMALLOC_MAX_SIZE - KERNEL_HTAB_ELEM_SIZE - 1));
        }
        if (percpu && roundUp8(a.valueSizeUnsigned()) > PCPU_MIN_UNIT_SIZE) {
            throw new MapException(Errno.E2BIG, type + ": per-CPU value_size " + a.valueSizeUnsigned()
                    + " vs limit " + PCPU_MIN_UNIT_SIZE);
        }
        if (percpuLru) {
            // each CPU's LRU list must get at least one element: round up to a multiple of ncpus
            long max = a.maxEntriesUnsigned();
            long rounded = (max + ncpus - 1) / ncpus * ncpus;
            if (rounded > 0xffffffffL) {
                rounded = max / ncpus * ncpus;
            }
            return a.withMaxEntries((int) rounded);
        }
        return a;
    }

    private static MapAttr checkArray(MapAttr a, MapType type) {
        int flags = a.mapFlags();
        boolean percpu = type == MapType.PERCPU_ARRAY;
        boolean numa = (flags & MapFlags.NUMA_NODE) != 0;
        if (a.maxEntries() == 0 || a.keySize() != 4 || a.valueSize() == 0
                || (flags & ~ARRAY_CREATE_FLAG_MASK) != 0 || !accessOk(flags) || (percpu && numa)) {
            throw new MapException(Errno.EINVAL, type + ": max_entries " + a.maxEntriesUnsigned() + ", key_size "
                    + a.keySizeUnsigned() + " (must be 4), value_size " + a.valueSizeUnsigned() + ", map_flags 0x"
                    + Integer.toHexString(flags) + " (allowed 0x" + Integer.toHexString(ARRAY_CREATE_FLAG_MASK) + ")");
        }
        if (type != MapType.ARRAY && (flags & (MapFlags.MMAPABLE | MapFlags.INNER_MAP)) != 0) {
            throw new MapException(Errno.EINVAL, type + ": BPF_F_MMAPABLE and BPF_F_INNER_MAP are for ARRAY only");
        }
        if (type != MapType.PERF_EVENT_ARRAY && (flags & MapFlags.PRESERVE_ELEMS) != 0) {
            throw new MapException(Errno.EINVAL, type + ": BPF_F_PRESERVE_ELEMS is for PERF_EVENT_ARRAY only");
        }
        if (a.valueSizeUnsigned() > Integer.MAX_VALUE) {
            throw new MapException(Errno.E2BIG, type + ": value_size " + a.valueSizeUnsigned() + " vs limit "
                    + Integer.MAX_VALUE);
        }
        if (percpu && roundUp8(a.valueSizeUnsigned()) > PCPU_MIN_UNIT_SIZE) {
            throw new MapException(Errno.E2BIG, type + ": per-CPU value_size " + a.valueSizeUnsigned()
                    + " vs limit " + PCPU_MIN_UNIT_SIZE);
        }
        return a;
    }

    private static MapAttr checkFdArray(MapAttr a, MapType type) {
        if (a.valueSize() != 4) {
            throw new MapException(Errno.EINVAL, type + ": value_size " + a.valueSizeUnsigned()
                    + " vs expected 4 (slots hold file descriptors)");
        }
        if ((a.mapFlags() & (MapFlags.RDONLY_PROG | MapFlags.WRONLY_PROG)) != 0) {
            throw new MapException(Errno.EINVAL, type + ": BPF_F_RDONLY_PROG/BPF_F_WRONLY_PROG not supported");
        }
        return checkArray(a, type);
    }

    /** stack_map_alloc() (kernel/bpf/stackmap.c) in its order. */
    private static MapAttr checkStackTrace(MapAttr a) {
        int flags = a.mapFlags();
        if ((flags & ~STACK_CREATE_FLAG_MASK) != 0) {
            throw new MapException(Errno.EINVAL, "STACK_TRACE: map_flags 0x" + Integer.toHexString(flags)
                    + " (allowed 0x" + Integer.toHexString(STACK_CREATE_FLAG_MASK) + ")");
        }
        long valueSize = a.valueSizeUnsigned();
        if (a.maxEntries() == 0 || a.keySize() != 4 || valueSize < 8 || valueSize % 8 != 0) {
            throw new MapException(Errno.EINVAL, "STACK_TRACE: max_entries " + a.maxEntriesUnsigned() + ", key_size "
                    + a.keySizeUnsigned() + " (must be 4), value_size " + valueSize + " (must be a multiple of 8)");
        }
        boolean buildId = (flags & MapFlags.STACK_BUILD_ID) != 0;
        long element = buildId ? STACK_BUILD_ID_SIZE : 8;
        if (valueSize % element != 0 || valueSize / element > PERF_MAX_STACK_DEPTH) {
            throw new MapException(Errno.EINVAL, "STACK_TRACE: value_size " + valueSize + " vs at most "
                    + PERF_MAX_STACK_DEPTH + " entries of " + element + " bytes");
        }
        if (a.maxEntriesUnsigned() > 1L << 31) {
            throw new MapException(Errno.E2BIG, "STACK_TRACE: max_entries " + a.maxEntriesUnsigned()
                    + " vs limit " + (1L << 31));
        }
        if (buildId) {
            // build ids are read from the ELF notes of mapped files by the kernel; not done here
            throw new MapException(Errno.EOPNOTSUPP, "STACK_TRACE: BPF_F_STACK_BUILD_ID is not supported");
        }
        return a;
    }

    private static MapAttr checkRingbuf(MapAttr a) {
        if ((a.mapFlags() & ~RINGBUF_CREATE_FLAG_MASK) != 0) {
            throw new MapException(Errno.EINVAL, "RINGBUF: map_flags 0x" + Integer.toHexString(a.mapFlags())
                    + " (allowed: BPF_F_NUMA_NODE)");
        }
        long size = a.maxEntriesUnsigned();
        if (a.keySize() != 0 || a.valueSize() != 0 || size == 0 || (size & (size - 1)) != 0 || size % PAGE_SIZE != 0) {
            throw new MapException(Errno.EINVAL, "RINGBUF: key_size " + a.keySizeUnsigned() + " and value_size "
                    + a.valueSizeUnsigned() + " must be 0, max_entries " + size
                    + " must be a power of 2 and a multiple of " + PAGE_SIZE);
        }
        return a;
    }

    /** map_check_btf(): where a struct bpf_spin_lock may be. */
    private static void checkSpinLock(MapAttr a, MapType type) {
        int off = a.spinLockOffset();
        if (off < 0) {
            return;
        }
        if ((a.mapFlags() & (MapFlags.RDONLY_PROG | MapFlags.WRONLY_PROG)) != 0) {
            throw new MapException(Errno.EACCES, type + ": a value with bpf_spin_lock cannot be read- or write-only"
                    + " for programs");
        }
        if (type != MapType.HASH && type != MapType.ARRAY) {
            throw new MapException(Errno.EOPNOTSUPP, type + ": bpf_spin_lock is allowed in HASH and ARRAY values only");
        }
        if (off % 4 != 0 || off + 4L > a.valueSizeUnsigned()) {
            throw new MapException(Errno.EINVAL, type + ": bpf_spin_lock at offset " + off
                    + " does not fit a value of " + a.valueSizeUnsigned() + " bytes");
        }
    }

    /** bpf_obj_name_cpy(): [A-Za-z0-9_.], NUL-terminated within 16 bytes; map_create() runs it after allocation. */
    static void checkName(String name) {
        if (name.length() > 15) {
            throw new MapException(Errno.EINVAL, "map_name '" + name + "' is " + name.length()
                    + " characters vs at most 15");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '.';
            if (!ok) {
                throw new MapException(Errno.EINVAL, "map_name '" + name + "': character '" + c + "' at " + i
                        + " is not one of [A-Za-z0-9_.]");
            }
        }
    }

    static long roundUp8(long x) {
        return (x + 7) & ~7L;
    }
}
