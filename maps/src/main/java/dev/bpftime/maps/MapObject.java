package dev.bpftime.maps;

import com.sun.jna.Pointer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One map object: the native handle on its shared memory, and the state the kernel keeps in
 * struct bpf_map beside the data: frozen, and the count of writers in flight (syscall writes and
 * writable mmaps, bpf_map_write_active()). Shared by every {@link BpfMap} view; freed with the last.
 */
final class MapObject {
    final Pointer handle;
    final MapType type;
    final MapAttr attr;
    final int ncpus;
    final long sharedMemorySize;
    private final SharedMemoryBudget budget;
    private final AtomicInteger views = new AtomicInteger(1);
    final AtomicLong writeActive = new AtomicLong();
    volatile boolean frozen;
    /** the kernel's freeze_mutex: freeze and mmap decide on writeActive under it */
    final Object freezeLock = new Object();
    /**
     * PERF_EVENT_ARRAY: the view (the kernel's struct file) through which each occupied slot was
     * set; closing that view empties them unless BPF_F_PRESERVE_ELEMS (perf_event_fd_array_release()).
     * Guarded by itself.
     */
    final Map<Integer, BpfMap> perfSlotSetters = new HashMap<>();

    MapObject(Pointer handle, MapType type, MapAttr attr, int ncpus, long sharedMemorySize, SharedMemoryBudget budget) {
        this.handle = handle;
        this.type = type;
        this.attr = attr;
        this.ncpus = ncpus;
        this.sharedMemorySize = sharedMemorySize;
        this.budget = budget;
    }

    void retain() {
        if (views.getAndIncrement() <= 0) {
            throw new IllegalStateException("map " + describe() + " is already freed");
        }
    }

    void release() {
        if (views.decrementAndGet() == 0) {
            NativeMaps.bpftime_map_close(handle);
            if (budget != null) {
                budget.release(sharedMemorySize);
            }
        }
    }

    boolean live() {
        return views.get() > 0;
    }

    String describe() {
        return (attr.name().isEmpty() ? "" : "'" + attr.name() + "' ") + type;
    }
}
