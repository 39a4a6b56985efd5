package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** HASH and PERCPU_HASH semantics of kernel/bpf/hashtab.c, program side and syscall side. */
class HashMapTest {
    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(64L << 20));

    @Test
    void updateFlagsGiveTheKernelsErrnos() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.HASH, 4, 8, 4, 0))) {
            MapException e = assertThrows(MapException.class, () -> m.update(Bytes.u32(1), Bytes.u64(1), MapFlags.EXIST));
            assertEquals(Errno.ENOENT.code(), e.errno());
            m.update(Bytes.u32(1), Bytes.u64(10), MapFlags.NOEXIST);
            e = assertThrows(MapException.class, () -> m.update(Bytes.u32(1), Bytes.u64(11), MapFlags.NOEXIST));
            assertEquals(Errno.EEXIST.code(), e.errno());
            m.update(Bytes.u32(1), Bytes.u64(12), MapFlags.EXIST);
            assertEquals(12, Bytes.u64(m.lookup(Bytes.u32(1)).orElseThrow(), 0));
            e = assertThrows(MapException.class, () -> m.update(Bytes.u32(1), Bytes.u64(1), 3));
            assertEquals(Errno.EINVAL.code(), e.errno());
            e = assertThrows(MapException.class, () -> m.update(Bytes.u32(1), Bytes.u64(1), MapFlags.F_LOCK));
            assertEquals(Errno.EINVAL.code(), e.errno(), "BPF_F_LOCK without a bpf_spin_lock in the value");
        }
    }

    @Test
    void aFullMapRefusesNewKeysWithE2bigButStillReplacesValues() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.HASH, 4, 8, 8, 0))) {
            for (int i = 0; i < 8; i++) {
                m.update(Bytes.u32(i), Bytes.u64(i), MapFlags.ANY);
            }
            MapException e = assertThrows(MapException.class, () -> m.update(Bytes.u32(100), Bytes.u64(1), MapFlags.ANY));
            assertEquals(Errno.E2BIG.code(), e.errno());
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < 8; i++) {
                    m.update(Bytes.u32(i), Bytes.u64(round * 100L + i), MapFlags.ANY);
                }
            }
            for (int i = 0; i < 8; i++) {
                assertEquals(4900 + i, Bytes.u64(m.lookup(Bytes.u32(i)).orElseThrow(), 0));
            }
            assertEquals(8, m.count());
            assertTrue(m.delete(Bytes.u32(3)));
            m.update(Bytes.u32(100), Bytes.u64(1), MapFlags.ANY);
            assertFalse(m.delete(Bytes.u32(3)), "a deleted key is gone");
        }
    }

    @Test
    void getNextKeyFromNullOrAMissingKeyGivesTheFirstKeyAndWalksEveryKeyOnce() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.HASH, 4, 4, 64, 0))) {
            assertTrue(m.nextKey(null).isEmpty(), "empty map: ENOENT");
            Set<Integer> expected = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                m.update(Bytes.u32(i * 7), Bytes.u32(i), MapFlags.ANY);
                expected.add(i * 7);
            }
            byte[] first = m.nextKey(null).orElseThrow();
            assertArrayEquals(first, m.nextKey(Bytes.u32(999_999)).orElseThrow());
            Set<Integer> walked = new HashSet<>();
            Optional<byte[]> k = Optional.of(first);
            while (k.isPresent()) {
                assertTrue(walked.add(Bytes.u32(k.get(), 0)), "walk repeats a key");
                k = m.nextKey(k.get());
            }
            assertEquals(expected, walked);
        }
    }

    @Test
    void lookupAndDeleteReturnsTheValueOnce() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.HASH, 8, 16, 16, 0))) {
            byte[] v = Bytes.filled(16, 3);
            m.update(Bytes.u64(42), v, MapFlags.ANY);
            assertArrayEquals(v, m.lookupAndDelete(Bytes.u64(42), 0).orElseThrow());
            assertTrue(m.lookupAndDelete(Bytes.u64(42), 0).isEmpty());
            assertEquals(0, m.count());
        }
    }

    @Test
    void programSideWritesAndReadsItsOwnCpuSlotOfAPerCpuHash() {
        int ncpus = MapFactory.possibleCpus();
        try (BpfMap m = factory.create(MapAttr.of(MapType.PERCPU_HASH, 4, 4, 16, 0))) {
            assertEquals(8 * ncpus, m.sysValueSize());
            Pointer h = m.handle();
            // a program's first update creates the element: its CPU gets the value, the others zero
            assertEquals(0, NativeMaps.bpftime_map_update_elem(h, Bytes.u32(5), Bytes.u32(77), MapFlags.ANY));
            byte[] all = m.lookup(Bytes.u32(5)).orElseThrow();
            int withValue = 0;
            for (int c = 0; c < ncpus; c++) {
                int v = Bytes.u32(all, c * 8);
                assertTrue(v == 0 || v == 77, "slot " + c + " holds " + v);
                withValue += v == 77 ? 1 : 0;
            }
            assertEquals(1, withValue, "exactly one CPU's slot was written");
            // the syscall writes every slot; a program reads slot n through lookup_percpu_elem
            byte[] values = new byte[8 * ncpus];
            for (int c = 0; c < ncpus; c++) {
                System.arraycopy(Bytes.u32(1000 + c), 0, values, c * 8, 4);
            }
            m.update(Bytes.u32(5), values, MapFlags.EXIST);
            for (int c = 0; c < ncpus; c++) {
                Pointer p = NativeMaps.bpftime_map_lookup_percpu_elem(h, Bytes.u32(5), c);
                assertEquals(1000 + c, p.getInt(0));
            }
            assertEquals(null, NativeMaps.bpftime_map_lookup_percpu_elem(h, Bytes.u32(5), ncpus), "cpu beyond the possible CPUs");
            Pointer mine = NativeMaps.bpftime_map_lookup_elem(h, Bytes.u32(5));
            int v = mine.getInt(0);
            assertTrue(v >= 1000 && v < 1000 + ncpus, "a program sees one CPU's slot, got " + v);
        }
    }

    @Test
    void aProgramHoldsAPointerIntoSharedMemoryThatTheSyscallSideSees() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.HASH, 4, 8, 16, 0))) {
            m.update(Bytes.u32(9), Bytes.u64(1), MapFlags.ANY);
            Pointer value = NativeMaps.bpftime_map_lookup_elem(m.handle(), Bytes.u32(9));
            value.setLong(0, 123456789L);
            assertEquals(123456789L, Bytes.u64(m.lookup(Bytes.u32(9)).orElseThrow(), 0));
            assertEquals(-Errno.EINVAL.code(), NativeMaps.bpftime_map_update_elem(m.handle(), Bytes.u32(1), Bytes.u64(1), 8));
        }
    }

    @Test
    void wrongKeySizeIsAClearError() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.HASH, 4, 8, 16, 0))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.lookup(new byte[3]));
            assertTrue(e.getMessage().contains("key of 3 bytes vs expected 4"), e.getMessage());
        }
    }
}
