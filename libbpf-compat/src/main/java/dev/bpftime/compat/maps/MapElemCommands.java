package dev.bpftime.compat.maps;

import static dev.bpftime.compat.attr.MapElemAttr.FLAGS;
import static dev.bpftime.compat.attr.MapElemAttr.KEY;
import static dev.bpftime.compat.attr.MapElemAttr.MAP_FD;
import static dev.bpftime.compat.attr.MapElemAttr.NEXT_KEY;
import static dev.bpftime.compat.attr.MapElemAttr.VALUE;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.Outcome;
import dev.bpftime.maps.BpfMap;
import dev.bpftime.maps.MapException;
import dev.bpftime.maps.MapFlags;
import java.util.Optional;

/**
 * BPF_MAP_LOOKUP_ELEM, _UPDATE_ELEM, _DELETE_ELEM, _GET_NEXT_KEY, _LOOKUP_AND_DELETE_ELEM and
 * BPF_MAP_FREEZE (kernel/bpf/syscall.c, Linux 6.1: map_lookup_elem() and its neighbours). The checks
 * that come before the key is copied (flags, the descriptor's access, BPF_F_LOCK) are made here in
 * the kernel's order, so that a call with several faults gets the kernel's errno for the first; keys
 * and values are read from and written to the caller's memory; the maps module does the rest.
 */
public final class MapElemCommands {

    private final FdArraySlots slots;
    private final InnerMapPublisher innerMaps;

    public MapElemCommands() {
        this(o -> null, InnerMapPublisher.NONE);
    }

    /**
     * @param perfEventIds the id a perf event object's slot holds, or null for any other object
     * @param innerMaps what makes a map reachable before a map of maps' slot names it
     */
    public MapElemCommands(java.util.function.Function<dev.bpftime.compat.objects.BpfObject, Integer> perfEventIds,
            InnerMapPublisher innerMaps) {
        this.slots = new FdArraySlots(perfEventIds);
        this.innerMaps = innerMaps;
    }

    public CommandHandler lookup() {
        return (attr, caller) -> {
            long flags = attr.u64(FLAGS);
            checkLockOnly(flags, "BPF_MAP_LOOKUP_ELEM");
            MapFds.Resolved m = MapFds.resolve(caller, attr.u32(MAP_FD), "map_fd");
            requireRead(m);
            requireLock(m, flags);
            byte[] key = readKey(caller, m.map(), attr.u64(KEY));
            Optional<byte[]> value = call(() -> m.map().lookup(key, flags));
            byte[] v = value.orElseThrow(() -> new BpfException(Errno.ENOENT, "no such key"));
            caller.write(attr.u64(VALUE), v, "value");
            return Outcome.value(0);
        };
    }

    public CommandHandler update() {
        return (attr, caller) -> {
            long flags = attr.u64(FLAGS);
            MapFds.Resolved m = MapFds.resolve(caller, attr.u32(MAP_FD), "map_fd");
            requireWrite(m);
            requireLock(m, flags);
            BpfMap map = m.map();
            byte[] key = readKey(caller, map, attr.u64(KEY));
            if (key == null && map.keySize() != 0) {
                throw new BpfException(Errno.EFAULT, "key: NULL");
            }
            byte[] value = readValue(caller, map, attr.u64(VALUE));
            if (map.type().isMapOfMaps()) {
                InnerMaps.update(m, key, u32(value), flags, caller, innerMaps);
                return Outcome.value(0);
            }
            if (!map.type().isFdArray()) {
                call(() -> {
                    map.update(key, value, flags);
                    return null;
                });
                return Outcome.value(0);
            }
            return updateSlot(m, key, value, flags, caller);
        };
    }

    /** bpf_fd_array_map_update_elem(): BPF_ANY only, the index in range, then the descriptor. */
    private Outcome updateSlot(MapFds.Resolved m, byte[] key, byte[] value, long flags, Caller caller)
            throws BpfException {
        if (flags != MapFlags.ANY) {
            throw new BpfException(Errno.EINVAL, "fd array update: flags " + flags + " vs expected BPF_ANY");
        }
        int index = u32(key);
        if (Integer.toUnsignedLong(index) >= Integer.toUnsignedLong(m.map().maxEntries())) {
            throw new BpfException(Errno.E2BIG, "fd array index " + Integer.toUnsignedString(index) + " vs max_entries "
                    + Integer.toUnsignedString(m.map().maxEntries()));
        }
        FdArraySlots.Target target = slots.resolve(m.object(), u32(value), caller);
        try {
            m.map().update(key, bytes(target.id()), flags);
        } catch (MapException e) {
            if (target.object() != null) {
                target.object().release();
            }
            throw MapFds.refused(e);
        }
        m.object().setSlot(index, target.object());
        return Outcome.value(0);
    }

    public CommandHandler delete() {
        return (attr, caller) -> {
            MapFds.Resolved m = MapFds.resolve(caller, attr.u32(MAP_FD), "map_fd");
            requireWrite(m);
            byte[] key = readKey(caller, m.map(), attr.u64(KEY));
            boolean deleted = call(() -> m.map().delete(key));
            if (!deleted) {
                throw new BpfException(Errno.ENOENT, "no such key");
            }
            if (m.map().type().isFdArray()) {
                m.object().setSlot(u32(key), null);
            } else if (m.map().type().isMapOfMaps()) {
                m.object().setSlot(key, null);
            }
            return Outcome.value(0);
        };
    }

    public CommandHandler nextKey() {
        return (attr, caller) -> {
            MapFds.Resolved m = MapFds.resolve(caller, attr.u32(MAP_FD), "map_fd");
            requireRead(m);
            long keyPtr = attr.u64(KEY);
            byte[] key = keyPtr == 0 ? null : readKey(caller, m.map(), keyPtr);
            Optional<byte[]> next = call(() -> m.map().nextKey(key));
            byte[] n = next.orElseThrow(() -> new BpfException(Errno.ENOENT, "no next key"));
            caller.write(attr.u64(NEXT_KEY), n, "next_key");
            return Outcome.value(0);
        };
    }

    public CommandHandler lookupAndDelete() {
        return (attr, caller) -> {
            long flags = attr.u64(FLAGS);
            checkLockOnly(flags, "BPF_MAP_LOOKUP_AND_DELETE_ELEM");
            MapFds.Resolved m = MapFds.resolve(caller, attr.u32(MAP_FD), "map_fd");
            if (!m.canRead() || !m.writable()) {
                throw new BpfException(Errno.EPERM, "the descriptor must be readable and writable");
            }
            requireLock(m, flags);
            byte[] key = readKey(caller, m.map(), attr.u64(KEY));
            Optional<byte[]> value = call(() -> m.map().lookupAndDelete(key, flags));
            byte[] v = value.orElseThrow(() -> new BpfException(Errno.ENOENT, "no such key"));
            caller.write(attr.u64(VALUE), v, "value");
            return Outcome.value(0);
        };
    }

    public CommandHandler freeze() {
        return (attr, caller) -> {
            MapFds.Resolved m = MapFds.resolve(caller, attr.u32(MAP_FD), "map_fd");
            call(() -> {
                m.map().freeze();
                return null;
            });
            return Outcome.value(0);
        };
    }

    private static void checkLockOnly(long flags, String op) throws BpfException {
        if ((flags & ~MapFlags.F_LOCK) != 0) {
            throw new BpfException(Errno.EINVAL, op + ": flags 0x" + Long.toHexString(flags) + " (allowed: BPF_F_LOCK)");
        }
    }

    static void requireRead(MapFds.Resolved m) throws BpfException {
        if (!m.canRead()) {
            throw new BpfException(Errno.EPERM, "the map descriptor is write-only");
        }
    }

    static void requireWrite(MapFds.Resolved m) throws BpfException {
        if (!m.writable()) {
            throw new BpfException(Errno.EPERM, m.canWrite() ? "the map is frozen" : "the map descriptor is read-only");
        }
    }

    private static void requireLock(MapFds.Resolved m, long flags) throws BpfException {
        if ((flags & MapFlags.F_LOCK) != 0 && m.map().attr().spinLockOffset() < 0) {
            throw new BpfException(Errno.EINVAL, "BPF_F_LOCK on a value without bpf_spin_lock");
        }
    }

    /**
     * __bpf_copy_key(): key_size bytes (EFAULT), or for a map without keys a NULL pointer only
     * (null here is the NULL pointer, an empty array any other, which the maps module refuses).
     */
    static byte[] readKey(Caller caller, BpfMap map, long ptr) throws BpfException {
        if (ptr == 0) {
            return null;
        }
        return map.keySize() == 0 ? new byte[0] : caller.read(ptr, map.keySize(), "key");
    }

    private static byte[] readValue(Caller caller, BpfMap map, long ptr) throws BpfException {
        int size = map.sysValueSize();
        if (size == 0) {
            return ptr == 0 ? null : new byte[0];
        }
        return caller.read(ptr, size, "value");
    }

    /** A maps module call whose refusal becomes the bpf() answer. */
    interface MapCall<T> {
        T run();
    }

    static <T> T call(MapCall<T> c) throws BpfException {
        try {
            return c.run();
        } catch (MapException e) {
            throw MapFds.refused(e);
        }
    }

    private static int u32(byte[] b) {
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    private static byte[] bytes(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }
}
