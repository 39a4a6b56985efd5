package dev.bpftime.maps;

import com.sun.jna.Pointer;
import java.util.function.Supplier;

/**
 * Creates map objects in shared memory for one service: validates the attributes as
 * BPF_MAP_CREATE does, takes the object's size from the shared-memory budget (ENOMEM beyond it),
 * and creates the memfd. The returned {@link BpfMap} is the creating fd's view.
 */
public final class MapFactory {
    private final SharedMemoryBudget budget;
    private final int ncpus;

    public MapFactory(SharedMemoryBudget budget) {
        this.budget = budget;
        this.ncpus = NativeMaps.bpftime_possible_cpus();
    }

    /** Possible CPUs as libbpf counts them: the slots of every per-CPU value. */
    public static int possibleCpus() {
        return NativeMaps.bpftime_possible_cpus();
    }

    /** The per-CPU slot of the calling thread's CPU. */
    public static int currentCpuSlot() {
        return NativeMaps.bpftime_current_cpu_slot();
    }

    public SharedMemoryBudget budget() {
        return budget;
    }

    public BpfMap create(MapAttr attr) {
        return create(attr, 0);
    }

    /**
     * The checks BPF_MAP_CREATE makes before it allocates (the type's map_alloc_check), without creating:
     * the syscall layer has checks of its own between these and the allocation (Linux 6.18's token).
     */
    public void check(MapAttr attr) {
        MapAttrValidator.validate(attr, ncpus);
    }

    /** BPF_MAP_CREATE with the object id the service gives the map. */
    public BpfMap create(MapAttr attr, int objectId) {
        return create(attr, objectId, () -> {
            throw new IllegalStateException("a map of maps needs its inner map template");
        });
    }

    /**
     * BPF_MAP_CREATE; for an ARRAY_OF_MAPS or HASH_OF_MAPS {@code innerMap} gives the map inner_map_fd
     * names (it throws the errno of a bad descriptor), asked after the type's checks as
     * array_of_map_alloc() / htab_of_map_alloc() do. The outer map keeps its shape, not the map.
     */
    public BpfMap create(MapAttr attr, int objectId, Supplier<BpfMap> innerMap) {
        MapAttr a = MapAttrValidator.validate(attr, ncpus);
        MapType type = MapType.of(a.mapType()).orElseThrow();
        BpfMap inner = null;
        if (type.isMapOfMaps()) {
            inner = innerMap.get();
            MapAttrValidator.checkInnerTemplate(inner.type());
        }
        BpfMap map = allocate(type, a, objectId, 0);
        if (inner != null) {
            int rc = NativeMaps.bpftime_map_set_inner_template(map.handle(), inner.handle());
            if (rc != 0) {
                map.close();
                throw new MapException(rc, "BPF_MAP_CREATE: inner map " + inner.type() + " as template of " + type);
            }
        }
        try {
            MapAttrValidator.checkName(a.name());
        } catch (MapException e) {
            map.close();
            throw e;
        }
        boolean read = (a.mapFlags() & MapFlags.WRONLY) == 0;
        boolean write = (a.mapFlags() & MapFlags.RDONLY) == 0;
        if (read && write) {
            return map;
        }
        BpfMap view = map.withAccess(read, write);
        map.close();
        return view;
    }

    /**
     * The buffer of a PERF_COUNT_SW_BPF_OUTPUT event on `cpu` with 2^n data pages, as the
     * kernel's perf_mmap() requires (EINVAL otherwise).
     */
    public BpfMap createPerfBuffer(int cpu, int dataPages, int objectId) {
        if (dataPages <= 0 || Integer.bitCount(dataPages) != 1) {
            throw new MapException(Errno.EINVAL, "perf buffer: " + dataPages + " data pages vs expected a power of 2");
        }
        if (cpu < 0 || cpu >= ncpus) {
            throw new MapException(Errno.EINVAL, "perf buffer: cpu " + cpu + " vs " + ncpus + " possible CPUs");
        }
        MapAttr a = new MapAttr(MapType.PERF_BUFFER.id(), 0, 0, dataPages, 0, -1, "perf" + cpu);
        return allocate(MapType.PERF_BUFFER, a, objectId, cpu);
    }

    private BpfMap allocate(MapType type, MapAttr a, int objectId, int cpu) {
        String what = "map " + (a.name().isEmpty() ? "" : "'" + a.name() + "' ") + type;
        long size = NativeMaps.bpftime_map_region_size(a.mapType(), a.keySize(), a.valueSize(), a.maxEntries(),
                a.mapFlags());
        if (size < 0) {
            throw new MapException((int) -size, "BPF_MAP_CREATE: " + what + " with max_entries "
                    + a.maxEntriesUnsigned() + " cannot be laid out");
        }
        budget.reserve(size, what);
        long[] out = new long[1];
        int rc = NativeMaps.bpftime_map_create(a.mapType(), a.keySize(), a.valueSize(), a.maxEntries(), a.mapFlags(),
                a.spinLockOffset(), objectId, cpu, a.name(), out);
        if (rc != 0) {
            budget.release(size);
            throw new MapException(rc, "BPF_MAP_CREATE: " + what + " of " + size + " bytes");
        }
        return new BpfMap(new MapObject(new Pointer(out[0]), type, a, ncpus, size, budget), true, true);
    }

    /**
     * Maps an object another process created, from its memfd (and eventfd for ring and perf
     * buffers, else -1). The fds stay the caller's. Used by tests; agents do this in C.
     */
    public static BpfMap open(int memfd, int eventfd, MapAttr attr) {
        long[] out = new long[1];
        int rc = NativeMaps.bpftime_map_open(memfd, eventfd, out);
        if (rc != 0) {
            throw new MapException(rc, "open map from memfd " + memfd);
        }
        Pointer p = new Pointer(out[0]);
        MapType type = MapType.of(attr.mapType()).orElseThrow();
        return new BpfMap(new MapObject(p, type, attr, NativeMaps.bpftime_map_ncpus(p),
                NativeMaps.bpftime_map_total_size(p), null), true, true);
    }
}
