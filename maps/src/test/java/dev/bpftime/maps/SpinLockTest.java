package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** BPF_F_LOCK on values with a struct bpf_spin_lock, and lock words whose holder died. */
class SpinLockTest {
    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(64L << 20));

    /** value: u32 lock at 0, u32 pad, u64 data at 8 */
    private static byte[] value(long data, int lockBytes) {
        byte[] v = new byte[16];
        System.arraycopy(Bytes.u32(lockBytes), 0, v, 0, 4);
        System.arraycopy(Bytes.u64(data), 0, v, 8, 8);
        return v;
    }

    @Test
    void lockedCopiesSkipTheLockWordAndZeroItInTheOutput() {
        for (MapType type : new MapType[] {MapType.HASH, MapType.ARRAY}) {
            try (BpfMap m = factory.create(MapAttr.of(type, 4, 16, 4, 0).withSpinLockAt(0))) {
                m.update(Bytes.u32(1), value(5, 0x7777), MapFlags.ANY);
                m.update(Bytes.u32(1), value(6, 0x7777), MapFlags.F_LOCK);
                byte[] out = m.lookup(Bytes.u32(1), MapFlags.F_LOCK).orElseThrow();
                assertEquals(6, Bytes.u64(out, 8), type + " value");
                assertEquals(0, Bytes.u32(out, 0), type + ": the lock word is zero in a copy handed out");
                Pointer inMap = NativeMaps.bpftime_map_lookup_elem(m.handle(), Bytes.u32(1));
                assertEquals(0, inMap.getInt(0), type + ": the caller's lock bytes were not copied in");
            }
        }
    }

    @Test
    void aSpinLockIsAllowedOnlyInHashAndArrayValues() {
        assertEquals(Errno.EOPNOTSUPP.code(), assertThrows(MapException.class,
                () -> factory.create(MapAttr.of(MapType.PERCPU_HASH, 4, 16, 4, 0).withSpinLockAt(0))).errno());
        assertEquals(Errno.EINVAL.code(), assertThrows(MapException.class,
                () -> factory.create(MapAttr.of(MapType.HASH, 4, 16, 4, 0).withSpinLockAt(14))).errno());
        assertEquals(Errno.EACCES.code(), assertThrows(MapException.class,
                () -> factory.create(MapAttr.of(MapType.HASH, 4, 16, 4, MapFlags.RDONLY_PROG).withSpinLockAt(0))).errno());
        try (BpfMap m = factory.create(MapAttr.of(MapType.HASH, 4, 16, 4, 0).withSpinLockAt(0))) {
            assertEquals(Errno.ENOTSUPP.code(), assertThrows(MapException.class, m::freeze).errno(),
                    "a map with special fields cannot be frozen");
        }
    }

    @Test
    void aLockWordHeldByAThreadThatNoLongerExistsIsTakenOver() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        int deadTid = (int) p.pid();
        Memory word = new Memory(4);
        word.setInt(0, deadTid);
        long start = System.nanoTime();
        assertEquals(1, NativeMaps.bpftime_lock_acquire(word), "acquired, reporting the dead holder");
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waitedMs < 1000, "recovery took " + waitedMs + " ms");
        assertTrue(word.getInt(0) != deadTid);
        assertEquals(-Errno.EBUSY.code(), NativeMaps.bpftime_lock_acquire(word), "the holder itself: EBUSY, no deadlock");
        NativeMaps.bpftime_lock_release(word);
        assertEquals(0, word.getInt(0));
    }

    @Test
    void anElementLeftHalfRewrittenByADeadWriterCanStillBeRead() throws IOException {
        try (BpfMap m = factory.create(MapAttr.of(MapType.PERCPU_HASH, 4, 8, 4, 0))) {
            m.update(Bytes.u32(1), new byte[m.sysValueSize()], MapFlags.ANY);
            // the element's sequence count (struct htab_elem +12) left odd, as by a writer killed
            // between the two halves of an in-place update
            Pointer value = NativeMaps.bpftime_map_lookup_percpu_elem(m.handle(), Bytes.u32(1), 0);
            Pointer elem = value.share(-24 - 8);
            elem.setInt(12, elem.getInt(12) | 1);
            long start = System.nanoTime();
            assertTrue(m.lookup(Bytes.u32(1)).isPresent());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 1000, "the reader repaired it");
            assertEquals(0, elem.getInt(12) & 1);
        }
    }

    @Test
    void aBucketLockedByADeadProcessDoesNotWedgeTheMap() throws IOException, InterruptedException {
        try (BpfMap m = factory.create(MapAttr.of(MapType.HASH, 4, 16, 1, 0).withSpinLockAt(0))) {
            m.update(Bytes.u32(1), value(1, 0), MapFlags.ANY);
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            // the value's bpf_spin_lock, left held by a process that died inside bpf_spin_lock()
            Pointer inMap = NativeMaps.bpftime_map_lookup_elem(m.handle(), Bytes.u32(1));
            inMap.setInt(0, (int) p.pid());
            m.update(Bytes.u32(1), value(2, 0), MapFlags.F_LOCK);
            assertEquals(2, Bytes.u64(m.lookup(Bytes.u32(1), MapFlags.F_LOCK).orElseThrow(), 8));
        }
    }
}
