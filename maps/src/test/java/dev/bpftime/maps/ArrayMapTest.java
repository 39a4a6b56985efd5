package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ARRAY and PERCPU_ARRAY semantics of kernel/bpf/arraymap.c, and BPF_F_MMAPABLE. */
class ArrayMapTest {
    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(64L << 20));

    @Test
    void everyIndexExistsAndNoneCanBeDeleted() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.ARRAY, 4, 12, 10, 0))) {
            assertArrayEquals(new byte[12], m.lookup(Bytes.u32(9)).orElseThrow(), "zero-initialized");
            assertTrue(m.lookup(Bytes.u32(10)).isEmpty(), "index out of range: ENOENT");
            assertEquals(Errno.EEXIST.code(), assertThrows(MapException.class,
                    () -> m.update(Bytes.u32(1), new byte[12], MapFlags.NOEXIST)).errno());
            assertEquals(Errno.E2BIG.code(), assertThrows(MapException.class,
                    () -> m.update(Bytes.u32(10), new byte[12], MapFlags.ANY)).errno());
            assertEquals(Errno.EINVAL.code(), assertThrows(MapException.class, () -> m.delete(Bytes.u32(1))).errno());
            assertEquals(Errno.ENOTSUPP.code(), assertThrows(MapException.class,
                    () -> m.lookupAndDelete(Bytes.u32(1), 0)).errno());
            m.update(Bytes.u32(1), Bytes.filled(12, 1), MapFlags.EXIST);
            assertArrayEquals(Bytes.filled(12, 1), m.lookup(Bytes.u32(1)).orElseThrow());
        }
    }

    @Test
    void getNextKeyCountsIndicesAndRestartsFromOutOfRange() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.ARRAY, 4, 4, 3, 0))) {
            assertEquals(0, Bytes.u32(m.nextKey(null).orElseThrow(), 0));
            assertEquals(2, Bytes.u32(m.nextKey(Bytes.u32(1)).orElseThrow(), 0));
            assertTrue(m.nextKey(Bytes.u32(2)).isEmpty(), "the last index: ENOENT");
            assertEquals(0, Bytes.u32(m.nextKey(Bytes.u32(77)).orElseThrow(), 0));
        }
    }

    @Test
    void batchLookupUsesTheLastKeyAsCursor() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.ARRAY, 4, 4, 5, 0))) {
            for (int i = 0; i < 5; i++) {
                m.update(Bytes.u32(i), Bytes.u32(i * 10), MapFlags.ANY);
            }
            BatchResult first = m.lookupBatch(null, 3, 0, 0);
            assertEquals(3, first.count());
            assertTrue(first.ok());
            assertEquals(2, Bytes.u32(first.outBatch(), 0));
            BatchResult rest = m.lookupBatch(first.outBatch(), 3, 0, 0);
            assertEquals(2, rest.count());
            assertTrue(rest.exhausted(), "running off the end: ENOENT with the elements");
            assertEquals(40, Bytes.u32(rest.values(), 4));
            assertEquals(Errno.ENOTSUPP.code(), assertThrows(MapException.class,
                    () -> m.deleteBatch(Bytes.u32(0), 1, 0)).errno());
        }
    }

    @Test
    void aMmapableArrayIsTheSameMemoryForTheAppAndTheMap() throws IOException {
        try (BpfMap m = factory.create(MapAttr.of(MapType.ARRAY, 4, 8, 1000, MapFlags.MMAPABLE))) {
            List<MmapSegment> segs = m.mmap(0, 8000, true);
            assertEquals(1, segs.size());
            MmapSegment s = segs.get(0);
            assertEquals(0, s.memfdOffset() % 4096, "values start page-aligned in the memfd");
            // what the shim will do: map the memfd there
            try (FileChannel ch = FileChannel.open(Path.of("/proc/self/fd/" + s.memfd()), StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                MappedByteBuffer view = ch.map(FileChannel.MapMode.READ_WRITE, s.memfdOffset(), s.length());
                view.order(ByteOrder.LITTLE_ENDIAN);
                m.update(Bytes.u32(7), Bytes.u64(0x1122334455667788L), MapFlags.ANY);
                assertEquals(0x1122334455667788L, view.getLong(7 * 8));
                view.putLong(999 * 8, 4242);
                assertEquals(4242, Bytes.u64(m.lookup(Bytes.u32(999)).orElseThrow(), 0));
            }
            m.unmapped(true);
            assertEquals(Errno.EINVAL.code(), assertThrows(MapException.class, () -> m.mmap(1, 8192, false)).errno(),
                    "beyond PAGE_ALIGN(max_entries * 8)");
        }
        try (BpfMap m = factory.create(MapAttr.of(MapType.ARRAY, 4, 8, 10, 0))) {
            assertEquals(Errno.EINVAL.code(), assertThrows(MapException.class, () -> m.mmap(0, 4096, false)).errno(),
                    "not BPF_F_MMAPABLE");
        }
    }

    @Test
    void percpuArrayProgramsWriteTheirCpuAndTheSyscallSeesAllSlots() {
        int ncpus = MapFactory.possibleCpus();
        try (BpfMap m = factory.create(MapAttr.of(MapType.PERCPU_ARRAY, 4, 4, 4, 0))) {
            assertEquals(0, NativeMaps.bpftime_map_update_elem(m.handle(), Bytes.u32(2), Bytes.u32(99), MapFlags.ANY));
            byte[] all = m.lookup(Bytes.u32(2)).orElseThrow();
            int written = 0;
            for (int c = 0; c < ncpus; c++) {
                written += Bytes.u32(all, c * 8) == 99 ? 1 : 0;
            }
            assertEquals(1, written);
            assertEquals(Errno.EINVAL.code(), assertThrows(MapException.class,
                    () -> m.update(Bytes.u32(2), new byte[8 * ncpus], MapFlags.F_LOCK)).errno());
        }
    }
}
