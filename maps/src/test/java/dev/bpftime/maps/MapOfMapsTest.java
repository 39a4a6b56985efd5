package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * ARRAY_OF_MAPS and HASH_OF_MAPS: the creation checks (array_of_map_alloc(), htab_of_map_alloc(),
 * bpf_map_meta_alloc()), the template check of every inserted map (bpf_map_meta_equal(),
 * array_map_meta_equal()) and the ids slots hold. The errnos are those this kernel gave for the same
 * calls (ShimKernelDifferentialTest's mapinmap group compares them with the kernel's live).
 */
class MapOfMapsTest {
    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(64L << 20));
    private int nextId = 100;

    private BpfMap map(MapType type, int keySize, int valueSize, int maxEntries, int flags) {
        return factory.create(MapAttr.of(type, keySize, valueSize, maxEntries, flags), nextId++);
    }

    private BpfMap outer(MapType type, int maxEntries, BpfMap inner) {
        return factory.create(MapAttr.of(type, 4, 4, maxEntries, 0), nextId++, () -> inner);
    }

    private static int errno(Runnable r) {
        return assertThrows(MapException.class, r::run).errno();
    }

    @Test
    void creationChecksTheTypeFirstThenTheTemplate() {
        Supplier<BpfMap> badFd = () -> {
            throw new MapException(Errno.EBADF, "inner_map_fd 999");
        };
        for (MapType t : new MapType[] {MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS}) {
            assertEquals(Errno.EINVAL.code(), errno(() -> factory.create(MapAttr.of(t, 4, 8, 2, 0), 1, badFd)),
                    t + ": value_size 8 before the descriptor");
            assertEquals(Errno.EBADF.code(), errno(() -> factory.create(MapAttr.of(t, 4, 4, 2, 0), 1, badFd)));
            try (BpfMap progs = map(MapType.PROG_ARRAY, 4, 4, 2, 0); BpfMap array = map(MapType.ARRAY, 4, 8, 2, 0);
                    BpfMap o = outer(t, 2, array)) {
                assertEquals(Errno.ENOTSUPP.code(), errno(() -> outer(t, 2, progs)), "no map_meta_equal");
                assertEquals(Errno.EINVAL.code(), errno(() -> outer(t, 2, o)), "one level only");
            }
        }
        try (BpfMap array = map(MapType.ARRAY, 4, 8, 2, 0)) {
            assertEquals(Errno.EINVAL.code(), errno(() -> factory.create(
                    MapAttr.of(MapType.ARRAY_OF_MAPS, 4, 4, 2, MapFlags.RDONLY_PROG), 1, () -> array)));
            factory.create(MapAttr.of(MapType.HASH_OF_MAPS, 4, 4, 2, MapFlags.RDONLY_PROG), 1, () -> array).close();
            assertEquals(Errno.EINVAL.code(), errno(() -> factory.create(
                    MapAttr.of(MapType.ARRAY_OF_MAPS, 4, 4, 2, 0).withName("bad name"), 1, () -> array)),
                    "the name is checked after allocation");
        }
    }

    @Test
    void arraySlotsHoldIdsOfMapsOfTheTemplatesShape() {
        try (BpfMap template = map(MapType.ARRAY, 4, 8, 4, 0); BpfMap same = map(MapType.ARRAY, 4, 8, 4, 0);
                BpfMap bigger = map(MapType.ARRAY, 4, 8, 8, 0); BpfMap hash = map(MapType.HASH, 4, 8, 4, 0);
                BpfMap o = outer(MapType.ARRAY_OF_MAPS, 3, template)) {
            o.updateInner(Bytes.u32(0), same, MapFlags.ANY);
            assertArrayEquals(Bytes.u32(same.innerIdForTests()), o.lookup(Bytes.u32(0)).orElseThrow(),
                    "the syscall reads the inner map's id");
            assertEquals(same.innerIdForTests(), o.innerId(Bytes.u32(0)));
            assertEquals(0, o.innerId(Bytes.u32(1)), "empty");
            assertEquals(0, o.innerId(Bytes.u32(7)), "out of range");
            assertEquals(Errno.EINVAL.code(), errno(() -> o.updateInner(Bytes.u32(1), bigger, MapFlags.ANY)),
                    "an ARRAY's max_entries is part of the shape");
            assertEquals(Errno.EINVAL.code(), errno(() -> o.updateInner(Bytes.u32(1), hash, MapFlags.ANY)));
            assertEquals(Errno.EINVAL.code(), errno(() -> o.updateInner(Bytes.u32(1), same, MapFlags.NOEXIST)));
            assertEquals(Errno.E2BIG.code(), errno(() -> o.updateInner(Bytes.u32(3), same, MapFlags.ANY)));
            assertTrue(o.lookup(Bytes.u32(7)).isEmpty(), "out of range reads as missing");
            assertEquals(Errno.EINVAL.code(), errno(() -> o.update(Bytes.u32(1), Bytes.u32(5), MapFlags.ANY)),
                    "an id alone is never stored");
            assertEquals(1, Bytes.u32(o.nextKey(Bytes.u32(0)).orElseThrow(), 0));
            assertTrue(o.delete(Bytes.u32(0)));
            assertFalse(o.delete(Bytes.u32(0)));
            assertEquals(Errno.E2BIG.code(), errno(() -> o.delete(Bytes.u32(3))));
            assertEquals(Errno.ENOTSUPP.code(), errno(() -> o.lookupAndDelete(Bytes.u32(0), 0)));
            assertEquals(Errno.ENOTSUPP.code(), errno(() -> o.deleteBatch(new byte[0], 0, 0)));
        }
    }

    @Test
    void innerMapFlagMakesAnArraysSizeFree() {
        try (BpfMap template = map(MapType.ARRAY, 4, 8, 4, MapFlags.INNER_MAP);
                BpfMap bigger = map(MapType.ARRAY, 4, 8, 64, MapFlags.INNER_MAP);
                BpfMap plain = map(MapType.ARRAY, 4, 8, 4, 0);
                BpfMap o = outer(MapType.HASH_OF_MAPS, 3, template)) {
            o.updateInner(Bytes.u32(42), bigger, MapFlags.ANY);
            assertEquals(bigger.innerIdForTests(), o.innerId(Bytes.u32(42)));
            assertEquals(Errno.EINVAL.code(), errno(() -> o.updateInner(Bytes.u32(1), plain, MapFlags.ANY)),
                    "the flags are part of the shape");
        }
    }

    @Test
    void hashOfMapsUpdatesAsAHashAndIgnoresNonArraySizes() {
        try (BpfMap template = map(MapType.HASH, 4, 8, 4, 0); BpfMap larger = map(MapType.HASH, 4, 8, 64, 0);
                BpfMap readOnly = map(MapType.HASH, 4, 8, 4, MapFlags.RDONLY);
                BpfMap readOnlyProg = map(MapType.HASH, 4, 8, 4, MapFlags.RDONLY_PROG);
                BpfMap o = outer(MapType.HASH_OF_MAPS, 2, template)) {
            o.updateInner(Bytes.u32(5), larger, MapFlags.NOEXIST);
            o.updateInner(Bytes.u32(6), readOnly, MapFlags.ANY);
            assertEquals(Errno.EINVAL.code(), errno(() -> o.updateInner(Bytes.u32(6), readOnlyProg, MapFlags.ANY)));
            assertEquals(Errno.EEXIST.code(), errno(() -> o.updateInner(Bytes.u32(5), larger, MapFlags.NOEXIST)));
            assertEquals(Errno.ENOENT.code(), errno(() -> o.updateInner(Bytes.u32(9), larger, MapFlags.EXIST)));
            assertEquals(Errno.E2BIG.code(), errno(() -> o.updateInner(Bytes.u32(9), larger, MapFlags.ANY)));
            assertEquals(readOnly.innerIdForTests(), o.innerId(Bytes.u32(6)));
            assertArrayEquals(Bytes.u32(larger.innerIdForTests()), o.lookup(Bytes.u32(5)).orElseThrow());
            assertEquals(0L, o.programLookup(Bytes.u32(5)), "a program gets the inner map, not a value address");
            assertEquals(Errno.ENOTSUPP.code(), errno(() -> o.lookupAndDelete(Bytes.u32(5), 0)));
            BatchResult r = o.lookupBatch(null, 8, 0, 0);
            assertEquals(2, r.count());
            assertTrue(o.delete(Bytes.u32(5)));
            assertEquals(0, o.innerId(Bytes.u32(5)));
        }
    }
}
