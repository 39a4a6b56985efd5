package dev.bpftime.compat.maps;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.maps.BpfMap;
import dev.bpftime.maps.MapException;
import dev.bpftime.maps.MapFlags;
import dev.bpftime.maps.MapType;

/**
 * The service's side of ARRAY_OF_MAPS and HASH_OF_MAPS (kernel/bpf/map_in_map.c): the descriptor
 * given as inner_map_fd at creation or as a value at update names a map (__bpf_map_get(): EBADF when
 * it is no descriptor, EINVAL when it is no map); the maps module checks its shape against the
 * template and stores its id; the outer map holds a reference on every map its slots hold
 * (bpf_map_fd_get_ptr()'s bpf_map_inc), released when the slot is emptied or overwritten, or when
 * the outer map is freed (bpf_map_fd_put_ptr()). So an inner map outlives its last descriptor while
 * a slot holds it, as in the kernel.
 */
final class InnerMaps {

    private InnerMaps() {
    }

    /** The map a descriptor names, for inner_map_fd or an update's value (the maps module's errno type). */
    static EmulatedMap named(Caller caller, int fd, String what) {
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Missing) {
            throw new MapException(Errno.EBADF, what + " " + fd + " is not an open descriptor");
        }
        if (!(ref instanceof FdRef.Object o) || !(o.object() instanceof EmulatedMap map)) {
            throw new MapException(Errno.EINVAL, what + " " + fd + " is not a map");
        }
        return map;
    }

    /**
     * BPF_MAP_UPDATE_ELEM on a map of maps: bpf_fd_array_map_update_elem() checks flags and index
     * before the descriptor, bpf_fd_htab_map_update_elem() resolves the descriptor first and checks
     * the flags as a HASH does after. The inner map reaches the agents before its id is in the slot
     * ({@link InnerMapPublisher}); meanwhile the service's lock may be given up, so the call holds a
     * reference on both maps as the kernel's fdget() would.
     */
    static void update(MapFds.Resolved outer, byte[] key, int fd, long flags, Caller caller,
            InnerMapPublisher publisher) throws BpfException {
        BpfMap map = outer.map();
        if (map.type() == MapType.ARRAY_OF_MAPS) {
            if (flags != MapFlags.ANY) {
                throw new BpfException(Errno.EINVAL, "ARRAY_OF_MAPS update: flags " + flags + " vs expected BPF_ANY");
            }
            long index = Integer.toUnsignedLong(u32(key));
            if (index >= Integer.toUnsignedLong(map.maxEntries())) {
                throw new BpfException(Errno.E2BIG, "ARRAY_OF_MAPS index " + index + " vs max_entries "
                        + Integer.toUnsignedString(map.maxEntries()));
            }
        }
        EmulatedMap inner;
        try {
            inner = named(caller, fd, "value: map fd");
        } catch (MapException e) {
            throw MapFds.refused(e);
        }
        inner.retain();
        outer.object().retain();
        try {
            try {
                // Pushed before the template and flags are checked (bpftime_map_of_maps_update does that):
                // a refused update leaves this map with agents that have the outer map, which is harmless,
                // as no slot names it; they drop it when the service frees it (MAP_FREE).
                publisher.publish(outer.object(), inner);
                map.updateInner(key, inner.map(), flags);
            } catch (MapException e) {
                inner.release();
                throw MapFds.refused(e);
            } catch (RuntimeException e) {
                inner.release();
                throw e;
            }
            outer.object().setSlot(key, inner);
        } finally {
            outer.object().release();
        }
    }

    private static int u32(byte[] b) {
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }
}
