package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** PROG_ARRAY and PERF_EVENT_ARRAY slots (bpf_fd_array_map_*(), kernel/bpf/arraymap.c). */
class FdArrayTest {
    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(64L << 20));

    @Test
    void progArraySlotsHoldProgramIdsThatTailCallsRead() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.PROG_ARRAY, 4, 4, 8, 0))) {
            assertEquals(0, NativeMaps.bpftime_fd_array_get(m.handle(), 3), "empty slot: a tail call falls through");
            m.update(Bytes.u32(3), Bytes.u32(77), MapFlags.ANY);
            assertEquals(77, NativeMaps.bpftime_fd_array_get(m.handle(), 3));
            assertEquals(0, NativeMaps.bpftime_fd_array_get(m.handle(), 8), "out of range");
            assertEquals(77, Bytes.u32(m.lookup(Bytes.u32(3)).orElseThrow(), 0), "the syscall reads the program id");
            assertEquals(Errno.EINVAL.code(), assertThrows(MapException.class,
                    () -> m.update(Bytes.u32(3), Bytes.u32(1), MapFlags.NOEXIST)).errno(), "only BPF_ANY");
            assertEquals(Errno.E2BIG.code(), assertThrows(MapException.class,
                    () -> m.update(Bytes.u32(8), Bytes.u32(1), MapFlags.ANY)).errno());
            assertTrue(m.delete(Bytes.u32(3)));
            assertFalse(m.delete(Bytes.u32(3)), "an empty slot: ENOENT");
            assertEquals(Errno.E2BIG.code(), assertThrows(MapException.class, () -> m.delete(Bytes.u32(9))).errno());
            assertEquals(Errno.ENOTSUPP.code(), assertThrows(MapException.class,
                    () -> m.lookupBatch(null, 2, 0, 0)).errno());
        }
    }

    @Test
    void perfEventArraysCannotBeReadBack() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.PERF_EVENT_ARRAY, 4, 4, 2, 0))) {
            m.update(Bytes.u32(0), Bytes.u32(5), MapFlags.ANY);
            assertEquals(Errno.ENOTSUPP.code(), assertThrows(MapException.class, () -> m.lookup(Bytes.u32(0))).errno());
            assertEquals(1, Bytes.u32(m.nextKey(Bytes.u32(0)).orElseThrow(), 0));
        }
    }
}
