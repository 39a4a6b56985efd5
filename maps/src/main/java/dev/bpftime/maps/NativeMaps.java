package dev.bpftime.maps;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The C functions of libbpftime-maps (maps/src/main/c/include/*.h), bound by JNA direct mapping.
 * Every int result is 0 or a negative errno; byte arrays are copied in and out around the call.
 */
final class NativeMaps {
    static {
        Native.register(NativeMaps.class, NativeLibrary.getInstance(NativeLibraryLocator.locate().toString()));
    }

    private NativeMaps() {
    }

    static native long bpftime_map_region_size(int type, int keySize, int valueSize, int maxEntries, int flags);

    static native int bpftime_map_create(int type, int keySize, int valueSize, int maxEntries, int flags,
            int spinLockOff, int objectId, int cpu, String name, long[] out);

    static native int bpftime_map_open(int memfd, int eventfd, long[] out);

    static native void bpftime_map_close(Pointer map);

    static native int bpftime_map_memfd(Pointer map);

    static native int bpftime_map_eventfd(Pointer map);

    static native int bpftime_map_ncpus(Pointer map);

    static native long bpftime_map_total_size(Pointer map);

    static native int bpftime_map_count(Pointer map);

    static native long bpftime_map_mmap_offset(Pointer map);

    static native long bpftime_map_mmap_size(Pointer map);

    static native int bpftime_possible_cpus();

    static native int bpftime_current_cpu_slot();

    // program side
    static native Pointer bpftime_map_lookup_elem(Pointer map, byte[] key);

    static native long bpftime_map_update_elem(Pointer map, byte[] key, byte[] value, long flags);

    static native long bpftime_map_delete_elem(Pointer map, byte[] key);

    static native Pointer bpftime_map_lookup_percpu_elem(Pointer map, byte[] key, int cpu);

    // syscall side
    static native int bpftime_map_sys_lookup(Pointer map, byte[] key, byte[] value, long flags);

    static native int bpftime_map_sys_update(Pointer map, byte[] key, byte[] value, long flags);

    static native int bpftime_map_sys_delete(Pointer map, byte[] key);

    static native int bpftime_map_sys_get_next_key(Pointer map, byte[] key, byte[] nextKey);

    static native int bpftime_map_sys_lookup_and_delete(Pointer map, byte[] key, byte[] value, long flags);

    static native int bpftime_map_sys_lookup_batch(Pointer map, byte[] inBatch, byte[] outBatch, byte[] keys,
            byte[] values, int[] count, long elemFlags, long flags, int doDelete);

    static native int bpftime_map_sys_update_batch(Pointer map, byte[] keys, byte[] values, int[] count,
            long elemFlags);

    static native int bpftime_map_sys_delete_batch(Pointer map, byte[] keys, int[] count, long elemFlags);

    static native int bpftime_fd_array_get(Pointer map, int index);

    static native int bpftime_map_set_inner_template(Pointer outer, Pointer inner);

    static native int bpftime_map_of_maps_update(Pointer outer, byte[] key, Pointer inner, long flags);

    static native int bpftime_map_inner_id(Pointer outer, byte[] key);

    static native Pointer bpftime_map_base(Pointer map);

    static native int bpftime_map_object_id(Pointer map);

    static native long bpftime_stackmap_get_stackid(Pointer map, long[] ips, int nr, long flags);

    // ring and perf buffers
    static native long bpftime_ringbuf_output(Pointer rb, byte[] data, long size, long flags);

    static native Pointer bpftime_ringbuf_reserve(Pointer rb, long size, long flags);

    static native void bpftime_ringbuf_submit(Pointer rb, Pointer sample, long flags);

    static native void bpftime_ringbuf_discard(Pointer rb, Pointer sample, long flags);

    static native long bpftime_ringbuf_query(Pointer rb, long flags);

    static native int bpftime_ringbuf_recover(Pointer rb);

    static native int bpftime_ringbuf_poll_rearm(Pointer rb);

    static native long bpftime_perfbuf_output(Pointer pb, byte[] data, long size);

    static native long bpftime_perfbuf_lost(Pointer pb);

    static native void bpftime_perfbuf_set_wakeup(Pointer pb, int wakeupEvents, int wakeupWatermark, int useWatermark);

    static native int bpftime_perfbuf_poll_rearm(Pointer pb);

    static native long bpftime_perf_event_output(Pointer array, long flags, byte[] data, long size);

    // lock words
    static native int bpftime_lock_acquire(Pointer word);

    static native void bpftime_lock_release(Pointer word);
}
