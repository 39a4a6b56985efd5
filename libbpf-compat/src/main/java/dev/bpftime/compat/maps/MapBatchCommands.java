package dev.bpftime.compat.maps;

import static dev.bpftime.compat.attr.MapBatchAttr.COUNT;
import static dev.bpftime.compat.attr.MapBatchAttr.ELEM_FLAGS;
import static dev.bpftime.compat.attr.MapBatchAttr.FLAGS;
import static dev.bpftime.compat.attr.MapBatchAttr.IN_BATCH;
import static dev.bpftime.compat.attr.MapBatchAttr.KEYS;
import static dev.bpftime.compat.attr.MapBatchAttr.MAP_FD;
import static dev.bpftime.compat.attr.MapBatchAttr.OUT_BATCH;
import static dev.bpftime.compat.attr.MapBatchAttr.VALUES;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.Outcome;
import dev.bpftime.maps.BatchResult;
import dev.bpftime.maps.BpfMap;
import java.util.Arrays;

/**
 * The four batch commands (bpf_map_do_batch(), kernel/bpf/syscall.c, Linux 6.1): the descriptor's
 * read access for the lookups, write access for the others (EPERM), then the type's batch function
 * (the maps module: flags, cursor, ENOTSUPP for types without one). Keys and values come from and
 * go to the caller's arrays; count and out_batch are written as the kernel's generic_map_*_batch
 * and htab's batch functions write them: count also on a failure after a partial run.
 */
public final class MapBatchCommands {

    /**
     * The most elements one update or delete batch reads from the caller at once. The kernel reads
     * element by element; a larger count is served in several rounds, so it costs time, not memory.
     */
    private static final int ROUND = 1 << 16;

    private final InnerMapPublisher innerMaps;

    public MapBatchCommands() {
        this(InnerMapPublisher.NONE);
    }

    /** @param innerMaps what makes a map reachable before a map of maps' slot names it */
    public MapBatchCommands(InnerMapPublisher innerMaps) {
        this.innerMaps = innerMaps;
    }

    public CommandHandler lookup(boolean delete) {
        return (attr, caller) -> {
            MapFds.Resolved m = MapFds.resolve(caller, attr.u32(MAP_FD), "batch.map_fd");
            MapElemCommands.requireRead(m);
            if (delete) {
                MapElemCommands.requireWrite(m);
            }
            BpfMap map = m.map();
            int count = attr.u32(COUNT);
            long elemFlags = attr.u64(ELEM_FLAGS);
            long flags = attr.u64(FLAGS);
            byte[] in = null;
            if (count != 0) {
                // the type's checks (flags, ENOTSUPP) come before the cursor is read
                MapElemCommands.call(() -> delete ? map.lookupAndDeleteBatch(null, 0, elemFlags, flags)
                        : map.lookupBatch(null, 0, elemFlags, flags));
                attr.putU32(COUNT, 0);
                long inPtr = attr.u64(IN_BATCH);
                in = inPtr == 0 ? null : caller.read(inPtr, map.batchCursorSize(), "batch.in_batch");
            }
            byte[] cursor = in;
            BatchResult r = MapElemCommands.call(() -> delete ? map.lookupAndDeleteBatch(cursor, count, elemFlags, flags)
                    : map.lookupBatch(cursor, count, elemFlags, flags));
            if (count == 0) {
                return Outcome.value(0);
            }
            int n = r.count();
            if (delete && map.type().isMapOfMaps()) {
                releaseSlots(m.object(), r.keys(), n, map.keySize());
            }
            caller.write(attr.u64(KEYS), Arrays.copyOf(r.keys(), n * map.keySize()), "batch.keys");
            caller.write(attr.u64(VALUES), Arrays.copyOf(r.values(), n * map.sysValueSize()), "batch.values");
            if (r.outBatch() != null) {
                caller.write(attr.u64(OUT_BATCH), r.outBatch(), "batch.out_batch");
            }
            attr.putU32(COUNT, n);
            if (!r.ok()) {
                throw new BpfException(r.errno(), "batch ended after " + n + " element(s)");
            }
            return Outcome.value(0);
        };
    }

    public CommandHandler update() {
        return (attr, caller) -> {
            MapFds.Resolved m = MapFds.resolve(caller, attr.u32(MAP_FD), "batch.map_fd");
            MapElemCommands.requireWrite(m);
            BpfMap map = m.map();
            if (map.type().isMapOfMaps()) {
                return innerMapRounds(attr, caller, m);
            }
            if (map.type().isFdArray()) {
                throw new BpfException(Errno.ENOTSUPP, "fd arrays have no batch update");
            }
            return rounds(attr, caller, map, true);
        };
    }

    public CommandHandler delete() {
        return (attr, caller) -> {
            MapFds.Resolved m = MapFds.resolve(caller, attr.u32(MAP_FD), "batch.map_fd");
            MapElemCommands.requireWrite(m);
            if (!m.map().type().isMapOfMaps()) {
                return rounds(attr, caller, m.map(), false);
            }
            // the keys deleted are the first ones up to the count written back: their maps are released
            long keys = attr.u64(KEYS);
            try {
                return rounds(attr, caller, m.map(), false);
            } finally {
                int done = attr.u32(COUNT);
                if (done > 0) {
                    byte[] deleted = new byte[done * m.map().keySize()];
                    try {
                        caller.readPrefix(keys, deleted, 0, deleted.length);
                        releaseSlots(m.object(), deleted, done, m.map().keySize());
                    } catch (BpfException unreadable) {
                        // the keys were read a moment ago; a caller that unmapped them meanwhile keeps the references
                    }
                }
            }
        };
    }

    private static void releaseSlots(EmulatedMap outer, byte[] keys, int n, int keySize) {
        for (int i = 0; i < n; i++) {
            outer.setSlot(Arrays.copyOfRange(keys, i * keySize, (i + 1) * keySize), null);
        }
    }

    /**
     * generic_map_update_batch() on a map of maps: elem_flags 0 (BPF_F_LOCK: EINVAL, no spin lock
     * here), then each element as BPF_MAP_UPDATE_ELEM with flags 0 and a map descriptor as value,
     * until the first refusal; count says how many were done.
     */
    private Outcome innerMapRounds(Attr attr, Caller caller, MapFds.Resolved m) throws BpfException {
        long elemFlags = attr.u64(ELEM_FLAGS);
        if (elemFlags != 0) {
            throw new BpfException(Errno.EINVAL, "elem_flags 0x" + Long.toHexString(elemFlags)
                    + ": a map of maps has no bpf_spin_lock");
        }
        long count = Integer.toUnsignedLong(attr.u32(COUNT));
        if (count == 0) {
            return Outcome.value(0);
        }
        attr.putU32(COUNT, 0);
        int keySize = m.map().keySize();
        for (long done = 0; done < count; done++) {
            byte[] key = caller.read(attr.u64(KEYS) + done * keySize, keySize, "batch.keys");
            byte[] fd = caller.read(attr.u64(VALUES) + done * 4, 4, "batch.values");
            try {
                InnerMaps.update(m, key, (fd[0] & 0xff) | (fd[1] & 0xff) << 8 | (fd[2] & 0xff) << 16
                        | (fd[3] & 0xff) << 24, 0, caller, innerMaps);
            } catch (BpfException e) {
                attr.putU32(COUNT, (int) done);
                throw e;
            }
        }
        attr.putU32(COUNT, (int) count);
        return Outcome.value(0);
    }

    /**
     * generic_map_update_batch() / generic_map_delete_batch(): elements one after another until
     * count, the first refusal, or the first element whose key or value cannot be read (EFAULT);
     * count says how many were done.
     */
    private static Outcome rounds(Attr attr, Caller caller, BpfMap map, boolean update) throws BpfException {
        long count = Integer.toUnsignedLong(attr.u32(COUNT));
        long elemFlags = attr.u64(ELEM_FLAGS);
        // the type's checks on an empty batch (flags, ENOTSUPP), which also answer count 0
        MapElemCommands.call(() -> update ? map.updateBatch(new byte[0], new byte[0], 0, elemFlags)
                : map.deleteBatch(new byte[0], 0, elemFlags));
        if (count == 0) {
            return Outcome.value(0);
        }
        attr.putU32(COUNT, 0);
        int keySize = map.keySize();
        int valueSize = map.sysValueSize();
        long done = 0;
        while (done < count) {
            int want = (int) Math.min(ROUND, count - done);
            byte[] keys = new byte[want * keySize];
            int readable = readable(caller, attr.u64(KEYS) + done * keySize, keys, keySize);
            byte[] values = new byte[update ? want * valueSize : 0];
            if (update) {
                readable = Math.min(readable, readable(caller, attr.u64(VALUES) + done * valueSize, values, valueSize));
            }
            int k = Math.min(readable, want);
            BatchResult r = MapElemCommands.call(() -> update ? map.updateBatch(keys, values, k, elemFlags)
                    : map.deleteBatch(keys, k, elemFlags));
            done += k == 0 ? 0 : r.count();
            int errno = !r.ok() ? r.errno() : k < want ? Errno.EFAULT : 0;
            if (errno != 0) {
                attr.putU32(COUNT, (int) done);
                throw new BpfException(errno, "batch stopped after " + done + " element(s)");
            }
        }
        attr.putU32(COUNT, (int) done);
        return Outcome.value(0);
    }

    /** How many whole elements of {@code size} bytes are readable at {@code address}. */
    private static int readable(Caller caller, long address, byte[] into, int size) throws BpfException {
        if (size == 0) {
            return into.length == 0 ? Integer.MAX_VALUE : 0;
        }
        int n = caller.readPrefix(address, into, 0, into.length);
        return n / size;
    }
}
