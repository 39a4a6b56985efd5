package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Access control against the kernel, as a sweep: every map type (with and without a spin lock,
 * mmapable or not), created with map_flags 0, BPF_F_RDONLY or BPF_F_WRONLY; viewed through the
 * creating fd and fds reopened read-write, read-only and write-only (BPF_MAP_GET_FD_BY_ID
 * open_flags on the kernel's side, {@link BpfMap#withAccess} on ours); every command, including
 * NULL keys, BPF_F_LOCK, the batch commands, BPF_MAP_FREEZE and mmap (shared / private, read /
 * write, offsets and lengths), run through every view before and after the map is frozen, and
 * with a writable mapping outstanding. Every errno must be the kernel's. Needs root.
 */
class KernelAccessDifferentialTest {
    private static final int PAGE = 4096;
    private static final int BPF_F_RDONLY = MapFlags.RDONLY;
    private static final int BPF_F_WRONLY = MapFlags.WRONLY;
    private static Optional<String> kernelUnavailable;
    private static int progFd = -1;
    private static int perfFd = -1;

    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(64L << 20));

    @BeforeAll
    static void probeKernel() {
        kernelUnavailable = KernelBpf.unavailableReason();
        if (kernelUnavailable.isEmpty()) {
            progFd = KernelPrograms.loadReturnZero(KernelPrograms.SOCKET_FILTER);
            perfFd = KernelPerfEvents.openBpfOutput(0);
        }
    }

    @AfterAll
    static void closeKernelObjects() {
        if (progFd > 0) {
            Libc.close(progFd);
        }
        if (perfFd > 0) {
            Libc.close(perfFd);
        }
    }

    static List<MapAttr> shapes() {
        List<MapAttr> base = List.of(
                MapAttr.of(MapType.HASH, 4, 8, 16, 0),
                MapAttr.of(MapType.PERCPU_HASH, 4, 8, 16, 0),
                MapAttr.of(MapType.LRU_HASH, 4, 8, 16, 0),
                MapAttr.of(MapType.LRU_PERCPU_HASH, 4, 8, 16, 0),
                MapAttr.of(MapType.ARRAY, 4, 8, 16, 0),
                MapAttr.of(MapType.ARRAY, 4, 8, 1000, MapFlags.MMAPABLE),
                MapAttr.of(MapType.ARRAY, 4, 8, 16, MapFlags.MMAPABLE | MapFlags.RDONLY_PROG),
                MapAttr.of(MapType.ARRAY, 4, 8, 16, MapFlags.MMAPABLE | MapFlags.WRONLY_PROG),
                MapAttr.of(MapType.PERCPU_ARRAY, 4, 8, 16, 0),
                MapAttr.of(MapType.PROG_ARRAY, 4, 4, 8, 0),
                MapAttr.of(MapType.PERF_EVENT_ARRAY, 4, 4, 8, 0),
                MapAttr.of(MapType.RINGBUF, 0, 0, 2 * PAGE, 0),
                MapAttr.of(MapType.HASH, 4, 16, 8, 0).withSpinLockAt(0),
                MapAttr.of(MapType.ARRAY, 4, 16, 8, 0).withSpinLockAt(8),
                MapAttr.of(MapType.ARRAY, 4, 16, 8, MapFlags.MMAPABLE).withSpinLockAt(0));
        List<MapAttr> out = new ArrayList<>();
        for (MapAttr a : base) {
            for (int access : new int[] {0, BPF_F_RDONLY, BPF_F_WRONLY}) {
                out.add(new MapAttr(a.mapType(), a.keySize(), a.valueSize(), a.maxEntries(), a.mapFlags() | access,
                        a.spinLockOffset(), a.name()));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void everyCommandThroughEveryViewGivesTheKernelsErrno(MapAttr attr) {
        assumeTrue(kernelUnavailable.isEmpty(), kernelUnavailable.orElse(""));
        MapType type = MapType.of(attr.mapType()).orElseThrow();
        int kernelCreate = KernelBpf.createErrno(attr);
        BpfMap ours;
        try {
            ours = factory.create(attr);
        } catch (MapException e) {
            assertEquals(Errno.describe(kernelCreate), Errno.describe(e.errno()), "BPF_MAP_CREATE " + attr);
            return;
        }
        assertEquals(Errno.describe(kernelCreate), "errno 0", "BPF_MAP_CREATE " + attr + ": ours succeeded");
        int sysValueSize = ours.sysValueSize();
        List<View> views = new ArrayList<>();
        try (KernelBpf kernel = KernelBpf.create(attr, sysValueSize)) {
            views.add(new View("creating fd", kernel, ours, false));
            views.add(new View("reopened rw", kernel.reopen(0), ours.withAccess(true, true), true));
            views.add(new View("reopened rdonly", kernel.reopen(BPF_F_RDONLY), ours.withAccess(true, false), true));
            views.add(new View("reopened wronly", kernel.reopen(BPF_F_WRONLY), ours.withAccess(false, true), true));
            Sweep sweep = new Sweep(attr, type, sysValueSize);
            for (View v : views) {
                sweep.commands(v, "before freeze");
            }
            View rw = views.get(1);
            sweep.freezeWithAWritableMapping(rw);
            for (View v : List.of(views.get(2), views.get(3), views.get(0), views.get(1))) {
                sweep.same(v, "freeze", "", KernelBpf::freeze, m -> errno(m::freeze));
            }
            for (View v : views) {
                sweep.commands(v, "after freeze");
            }
            assertTrue(sweep.compared > 0);
        } finally {
            for (View v : views) {
                v.close();
            }
            ours.close();
        }
    }

    private static int errno(Runnable r) {
        try {
            r.run();
            return 0;
        } catch (MapException e) {
            return e.errno();
        }
    }

    private static MapException enoent() {
        return new MapException(Errno.ENOENT, "not found");
    }

    private static int deleteErrno(BpfMap m, byte[] key) {
        return errno(() -> {
            if (!m.delete(key)) {
                throw enoent();
            }
        });
    }

    private static int batchErrno(java.util.function.Supplier<BatchResult> r) {
        try {
            return r.get().errno();
        } catch (MapException e) {
            return e.errno();
        }
    }

    /** One fd on the kernel's map and the matching view of ours. */
    private record View(String label, KernelBpf kernel, BpfMap ours, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                kernel.close();
                ours.close();
            }
        }
    }

    private static final class Sweep {
        final MapAttr attr;
        final MapType type;
        final int sysValueSize;
        int compared;

        Sweep(MapAttr attr, MapType type, int sysValueSize) {
            this.attr = attr;
            this.type = type;
            this.sysValueSize = sysValueSize;
        }

        void same(View v, String command, String phase, ToIntFunction<KernelBpf> kernel, ToIntFunction<BpfMap> ours) {
            int k = kernel.applyAsInt(v.kernel());
            int o = ours.applyAsInt(v.ours());
            compared++;
            assertEquals(Errno.describe(k), Errno.describe(o), attr + " through the " + v.label() + " " + phase + ": "
                    + command);
        }

        byte[] key() {
            return attr.keySize() == 0 ? null : Bytes.u32(1);
        }

        byte[] kernelValue() {
            return switch (type) {
                case PROG_ARRAY -> Bytes.u32(progFd);
                case PERF_EVENT_ARRAY -> Bytes.u32(perfFd);
                case RINGBUF -> null;
                default -> Bytes.filled(sysValueSize, 5);
            };
        }

        byte[] ourValue() {
            return switch (type) {
                case PROG_ARRAY, PERF_EVENT_ARRAY -> Bytes.u32(77);
                case RINGBUF -> null;
                default -> Bytes.filled(sysValueSize, 5);
            };
        }

        void commands(View v, String phase) {
            byte[] key = key();
            for (long flags : new long[] {MapFlags.ANY, MapFlags.NOEXIST, MapFlags.F_LOCK}) {
                same(v, "update flags " + flags, phase, k -> k.update(key, kernelValue(), flags),
                        m -> errno(() -> m.update(key, ourValue(), flags)));
            }
            for (long flags : new long[] {0, MapFlags.F_LOCK, 16}) {
                same(v, "lookup flags " + flags, phase, k -> k.lookup(key, flags).errno(), m -> lookupErrno(m, key, flags));
            }
            same(v, "lookup NULL key", phase, k -> k.lookup(null, 0).errno(), m -> lookupErrno(m, null, 0));
            if (attr.keySize() == 0) {
                same(v, "lookup with a key pointer", phase, k -> k.lookup(new byte[0], 0).errno(),
                        m -> lookupErrno(m, new byte[0], 0));
            }
            same(v, "get_next_key NULL", phase, k -> k.nextKey(null).errno(), m -> nextKeyErrno(m, null));
            // from a key in a hash map the answer depends on the kernel's unspecified order: start
            // from one that is not there (the first key, or ENOENT when empty)
            byte[] from = type.isHash() ? Bytes.u32(99) : key;
            same(v, "get_next_key", phase, k -> k.nextKey(from).errno(), m -> nextKeyErrno(m, from));
            for (long flags : new long[] {0, MapFlags.F_LOCK, 16}) {
                same(v, "lookup_and_delete flags " + flags, phase, k -> k.lookupAndDelete(key, flags).errno(),
                        m -> errno(() -> m.lookupAndDelete(key, flags).orElseThrow(KernelAccessDifferentialTest::enoent)));
            }
            same(v, "update again", phase, k -> k.update(key, kernelValue(), 0),
                    m -> errno(() -> m.update(key, ourValue(), 0)));
            same(v, "delete", phase, k -> k.delete(key), m -> deleteErrno(m, key));
            same(v, "delete NULL key", phase, k -> k.delete(null), m -> deleteErrno(m, null));
            batches(v, phase);
            mmaps(v, phase);
        }

        int lookupErrno(BpfMap m, byte[] key, long flags) {
            try {
                return m.lookup(key, flags).isPresent() ? 0 : Errno.ENOENT.code();
            } catch (MapException e) {
                return e.errno();
            }
        }

        int nextKeyErrno(BpfMap m, byte[] key) {
            try {
                return m.nextKey(key).isPresent() ? 0 : Errno.ENOENT.code();
            } catch (MapException e) {
                return e.errno();
            }
        }

        void batches(View v, String phase) {
            int ks = attr.keySize();
            int cursor = type.isHash() ? 4 : ks;
            byte[] keys = new byte[2 * ks];
            if (ks > 0) {
                System.arraycopy(Bytes.u32(2), 0, keys, ks, 4);
            }
            byte[] kernelValues = type == MapType.RINGBUF ? null : new byte[2 * sysValueSize];
            byte[] ourValues = type == MapType.RINGBUF ? new byte[0] : new byte[2 * sysValueSize];
            if (type.isFdArray()) {
                System.arraycopy(kernelValue(), 0, kernelValues, 0, 4);
                System.arraycopy(kernelValue(), 0, kernelValues, 4, 4);
            }
            for (long elemFlags : new long[] {0, MapFlags.F_LOCK}) {
                String f = " elem_flags " + elemFlags;
                same(v, "update_batch" + f, phase,
                        k -> k.batch(KernelBpf.BPF_MAP_UPDATE_BATCH, null, cursor, keys, kernelValues, 2, elemFlags, 0)
                                .errno(),
                        m -> batchErrno(() -> m.updateBatch(keys, ourValues, 2, elemFlags)));
                same(v, "lookup_batch" + f, phase,
                        k -> k.batch(KernelBpf.BPF_MAP_LOOKUP_BATCH, null, cursor, null, null, 64, elemFlags, 0).errno(),
                        m -> batchErrno(() -> m.lookupBatch(null, 64, elemFlags, 0)));
                same(v, "delete_batch" + f, phase,
                        k -> k.batch(KernelBpf.BPF_MAP_DELETE_BATCH, null, cursor, keys, null, 1, elemFlags, 0).errno(),
                        m -> batchErrno(() -> m.deleteBatch(keys, 1, elemFlags)));
                same(v, "lookup_and_delete_batch" + f, phase,
                        k -> k.batch(KernelBpf.BPF_MAP_LOOKUP_AND_DELETE_BATCH, null, cursor, null, null, 64, elemFlags,
                                0).errno(),
                        m -> batchErrno(() -> m.lookupAndDeleteBatch(null, 64, elemFlags, 0)));
            }
        }

        /** mmap requests: page offset, length, writable, shared. */
        static final long[][] MMAPS = {
            {0, PAGE, 0, 1}, {0, PAGE, 1, 1}, {0, PAGE, 0, 0}, {0, PAGE, 1, 0}, {0, 100, 1, 1}, {1, PAGE, 0, 1},
            {1, PAGE, 1, 1}, {0, 2 * PAGE, 0, 1}, {0, 2 * PAGE, 1, 1}, {1, 4 * PAGE, 0, 1}, {1, 5 * PAGE, 0, 1},
            {2, 4 * PAGE, 0, 1}, {0, 6 * PAGE, 0, 1}, {0, 7 * PAGE, 0, 1},
        };

        void mmaps(View v, String phase) {
            for (long[] r : MMAPS) {
                boolean writable = r[2] == 1;
                boolean shared = r[3] == 1;
                same(v, "mmap page " + r[0] + " length " + r[1] + (writable ? " rw" : " ro")
                        + (shared ? " shared" : " private"), phase, k -> k.mmapErrno(r[0], r[1], writable, shared),
                        m -> errno(() -> {
                            m.mmap(r[0], r[1], writable, shared);
                            m.unmapped(writable);
                        }));
            }
        }

        /** A writable mapping outstanding: freeze is EBUSY (bpf_map_write_active()); unmapped, it is not. */
        void freezeWithAWritableMapping(View rw) {
            if (type != MapType.ARRAY || (attr.mapFlags() & MapFlags.MMAPABLE) == 0 || attr.spinLockOffset() >= 0
                    || (attr.mapFlags() & MapFlags.RDONLY_PROG) != 0) {
                return;
            }
            com.sun.jna.Pointer p = Libc.mmap(PAGE, true, true, rw.kernel().fd, 0);
            rw.ours().mmap(0, PAGE, true, true);
            same(rw, "freeze with a writable mapping", "", KernelBpf::freeze, m -> errno(m::freeze));
            Libc.munmap(p, PAGE);
            rw.ours().unmapped(true);
        }
    }
}
