package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** BPF_F_RDONLY / BPF_F_WRONLY, BPF_MAP_FREEZE and writable mappings (kernel/bpf/syscall.c). */
class AccessAndFreezeTest {
    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(64L << 20));

    private static int errno(Runnable r) {
        return assertThrows(MapException.class, r::run).errno();
    }

    @Test
    void readOnlyAndWriteOnlyFdsRefuseTheOtherDirectionWithEperm() {
        try (BpfMap ro = factory.create(MapAttr.of(MapType.HASH, 4, 4, 4, MapFlags.RDONLY))) {
            assertEquals(Errno.EPERM.code(), errno(() -> ro.update(Bytes.u32(1), Bytes.u32(1), MapFlags.ANY)));
            assertEquals(Errno.EPERM.code(), errno(() -> ro.delete(Bytes.u32(1))));
            assertTrue(ro.lookup(Bytes.u32(1)).isEmpty());
            assertEquals(Errno.EPERM.code(), errno(() -> ro.lookupAndDelete(Bytes.u32(1), 0)));
        }
        try (BpfMap wo = factory.create(MapAttr.of(MapType.HASH, 4, 4, 4, MapFlags.WRONLY))) {
            wo.update(Bytes.u32(1), Bytes.u32(1), MapFlags.ANY);
            assertEquals(Errno.EPERM.code(), errno(() -> wo.lookup(Bytes.u32(1))));
            assertEquals(Errno.EPERM.code(), errno(() -> wo.nextKey(null)));
            assertEquals(Errno.EPERM.code(), errno(() -> wo.lookupBatch(null, 4, 0, 0)));
        }
        assertEquals(Errno.EINVAL.code(), errno(() -> factory.create(
                MapAttr.of(MapType.HASH, 4, 4, 4, MapFlags.RDONLY | MapFlags.WRONLY))));
    }

    @Test
    void aFrozenMapIsReadOnlyToTheSyscallSideButNotToPrograms() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.ARRAY, 4, 4, 4, MapFlags.MMAPABLE))) {
            m.update(Bytes.u32(0), Bytes.u32(5), MapFlags.ANY);
            m.freeze();
            assertTrue(m.frozen());
            assertEquals(Errno.EPERM.code(), errno(() -> m.update(Bytes.u32(0), Bytes.u32(6), MapFlags.ANY)));
            assertEquals(Errno.EPERM.code(), errno(m::freeze), "a second freeze: the fd lost write access");
            assertEquals(Errno.EPERM.code(), errno(() -> m.mmap(0, 4096, true)));
            m.mmap(0, 4096, false);
            assertEquals(0, NativeMaps.bpftime_map_update_elem(m.handle(), Bytes.u32(0), Bytes.u32(7), MapFlags.ANY));
            assertEquals(7, Bytes.u32(m.lookup(Bytes.u32(0)).orElseThrow(), 0));
        }
    }

    @Test
    void freezeWaitsForNoWritableMappingAndRdonlyProgForbidsOne() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.ARRAY, 4, 4, 4, MapFlags.MMAPABLE))) {
            m.mmap(0, 4096, true);
            assertEquals(Errno.EBUSY.code(), errno(m::freeze));
            m.unmapped(true);
            m.freeze();
        }
        try (BpfMap m = factory.create(MapAttr.of(MapType.ARRAY, 4, 4, 4, MapFlags.MMAPABLE | MapFlags.RDONLY_PROG))) {
            assertEquals(Errno.EACCES.code(), errno(() -> m.mmap(0, 4096, true)));
        }
        try (BpfMap m = factory.create(MapAttr.of(MapType.HASH, 4, 4, 4, 0))) {
            assertEquals(Errno.ENOTSUPP.code(), errno(() -> m.mmap(0, 4096, false)), "hash maps have no map_mmap");
        }
    }

    @Test
    void aViewWithLessAccessSharesTheMap() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.HASH, 4, 4, 4, 0))) {
            BpfMap ro = m.withAccess(true, false);
            m.update(Bytes.u32(3), Bytes.u32(4), MapFlags.ANY);
            assertEquals(4, Bytes.u32(ro.lookup(Bytes.u32(3)).orElseThrow(), 0));
            assertEquals(Errno.EPERM.code(), errno(() -> ro.update(Bytes.u32(3), Bytes.u32(4), MapFlags.ANY)));
            ro.close();
            assertEquals(4, Bytes.u32(m.lookup(Bytes.u32(3)).orElseThrow(), 0), "closing a view keeps the map");
        }
    }
}
