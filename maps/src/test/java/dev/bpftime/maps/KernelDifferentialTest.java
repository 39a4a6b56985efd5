package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same randomized sequences of update / lookup / delete / get_next_key / lookup_and_delete and
 * the batch commands, applied to a kernel map (through bpf()) and to ours: every result and errno
 * must match. Where the kernel leaves iteration order unspecified (hash maps), the keys returned
 * are checked to be in the map, full walks are compared as sets, and batch cursors inside the
 * bucket table are checked against their contract. Values with a struct bpf_spin_lock (described
 * to the kernel by BTF) run the BPF_F_LOCK paths. Needs root; skips otherwise.
 */
class KernelDifferentialTest {
    static final int OPS = 12_000;
    private static final HexFormat HEX = HexFormat.of();
    private static Optional<String> kernelUnavailable;

    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(256L << 20));

    @BeforeAll
    static void probeKernel() {
        kernelUnavailable = KernelBpf.unavailableReason();
    }

    /** A map shape and the key universe its random operations draw from. */
    record Shape(String label, MapAttr attr, int universe) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                new Shape("HASH key4 value8 max128 (fills up: E2BIG)", MapAttr.of(MapType.HASH, 4, 8, 128, 0), 192),
                new Shape("HASH key6 value12 max64 NO_PREALLOC", MapAttr.of(MapType.HASH, 6, 12, 64, MapFlags.NO_PREALLOC), 100),
                new Shape("PERCPU_HASH key4 value12 max64", MapAttr.of(MapType.PERCPU_HASH, 4, 12, 64, 0), 96),
                new Shape("LRU_HASH key8 value8 max2048", MapAttr.of(MapType.LRU_HASH, 8, 8, 2048, 0), 300),
                new Shape("LRU_PERCPU_HASH key4 value4 max2048", MapAttr.of(MapType.LRU_PERCPU_HASH, 4, 4, 2048, 0), 300),
                new Shape("LRU_HASH key4 value8 max2048 NO_COMMON_LRU",
                        MapAttr.of(MapType.LRU_HASH, 4, 8, 2048, MapFlags.NO_COMMON_LRU), 300),
                new Shape("ARRAY value12 max100", MapAttr.of(MapType.ARRAY, 4, 12, 100, 0), 120),
                new Shape("ARRAY value8 max64 MMAPABLE", MapAttr.of(MapType.ARRAY, 4, 8, 64, MapFlags.MMAPABLE), 80),
                new Shape("PERCPU_ARRAY value4 max50", MapAttr.of(MapType.PERCPU_ARRAY, 4, 4, 50, 0), 60),
                // struct bpf_spin_lock in the value (the kernel's map gets it from BTF): BPF_F_LOCK paths
                new Shape("HASH key4 value16 bpf_spin_lock@0 max64 (fills up: E2BIG)",
                        MapAttr.of(MapType.HASH, 4, 16, 64, 0).withSpinLockAt(0), 96),
                new Shape("ARRAY value24 bpf_spin_lock@8 max40", MapAttr.of(MapType.ARRAY, 4, 24, 40, 0).withSpinLockAt(8),
                        48))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void randomOperationsMatchTheKernel(Shape shape) {
        assumeTrue(kernelUnavailable.isEmpty(), kernelUnavailable.orElse(""));
        try (BpfMap ours = factory.create(shape.attr()); KernelBpf kernel = KernelBpf.create(shape.attr(), ours.sysValueSize())) {
            new Run(shape, ours, kernel, new Random(shape.label().hashCode())).go();
        }
    }

    @Test
    void creationErrnosMatchTheKernel() {
        assumeTrue(kernelUnavailable.isEmpty(), kernelUnavailable.orElse(""));
        List<MapAttr> cases = List.of(
                MapAttr.of(MapType.HASH, 4, 8, 0, 0),
                MapAttr.of(MapType.HASH, 0, 8, 16, 0),
                MapAttr.of(MapType.HASH, 4, 0, 16, 0),
                MapAttr.of(MapType.HASH, 4, 8, 16, MapFlags.RDONLY | MapFlags.WRONLY),
                MapAttr.of(MapType.HASH, 4, 8, 16, MapFlags.RDONLY_PROG | MapFlags.WRONLY_PROG),
                MapAttr.of(MapType.HASH, 4, 8, 16, MapFlags.MMAPABLE),
                MapAttr.of(MapType.HASH, 4, 8, 16, MapFlags.NO_COMMON_LRU),
                MapAttr.of(MapType.HASH, 4, (1 << 22) - 48 - 4, 1, 0),
                MapAttr.of(MapType.HASH, 4, (1 << 22) - 48 - 5, 1, 0),
                MapAttr.of(MapType.HASH, 4, 8, 1 << 29, 0),
                MapAttr.of(MapType.HASH, 4, 8, (int) 0x80000001L, 0),
                MapAttr.of(MapType.PERCPU_HASH, 4, 32769, 16, 0),
                MapAttr.of(MapType.PERCPU_HASH, 4, 32768, 16, 0),
                MapAttr.of(MapType.LRU_HASH, 4, 8, 16, MapFlags.NO_PREALLOC),
                MapAttr.of(MapType.LRU_HASH, 4, 8, 16, MapFlags.NO_COMMON_LRU),
                MapAttr.of(MapType.ARRAY, 8, 8, 16, 0),
                MapAttr.of(MapType.ARRAY, 4, 0, 16, 0),
                MapAttr.of(MapType.ARRAY, 4, 8, 0, 0),
                MapAttr.of(MapType.ARRAY, 4, 8, 16, MapFlags.NO_PREALLOC),
                MapAttr.of(MapType.ARRAY, 4, 8, 16, MapFlags.PRESERVE_ELEMS),
                MapAttr.of(MapType.ARRAY, 4, 8, 16, MapFlags.MMAPABLE | MapFlags.RDONLY_PROG),
                MapAttr.of(MapType.PERCPU_ARRAY, 4, 8, 16, MapFlags.MMAPABLE),
                MapAttr.of(MapType.PERCPU_ARRAY, 4, 32769, 16, 0),
                MapAttr.of(MapType.PROG_ARRAY, 4, 8, 16, 0),
                MapAttr.of(MapType.PROG_ARRAY, 4, 4, 16, MapFlags.RDONLY_PROG),
                MapAttr.of(MapType.PROG_ARRAY, 4, 4, 16, 0),
                MapAttr.of(MapType.PERF_EVENT_ARRAY, 4, 4, 16, MapFlags.PRESERVE_ELEMS),
                MapAttr.of(MapType.PERF_EVENT_ARRAY, 8, 4, 16, 0),
                MapAttr.of(MapType.RINGBUF, 0, 0, 4096, 0),
                MapAttr.of(MapType.RINGBUF, 0, 0, 12288, 0),
                MapAttr.of(MapType.RINGBUF, 0, 0, 2048, 0),
                MapAttr.of(MapType.RINGBUF, 4, 0, 4096, 0),
                MapAttr.of(MapType.RINGBUF, 0, 0, 4096, MapFlags.RDONLY),
                new MapAttr(9999, 4, 4, 1, 0, -1, ""),
                MapAttr.of(MapType.HASH, 4, 8, 16, 0).withName("bad-name"),
                MapAttr.of(MapType.HASH, 4, 8, 16, 0).withName("good_name.1"),
                // where a struct bpf_spin_lock may be (map_check_btf())
                MapAttr.of(MapType.HASH, 4, 16, 16, 0).withSpinLockAt(8),
                MapAttr.of(MapType.HASH, 4, 16, 16, MapFlags.RDONLY_PROG).withSpinLockAt(0),
                MapAttr.of(MapType.HASH, 4, 16, 16, MapFlags.WRONLY_PROG).withSpinLockAt(0),
                MapAttr.of(MapType.HASH, 4, 16, 16, MapFlags.NO_PREALLOC).withSpinLockAt(0),
                MapAttr.of(MapType.PERCPU_HASH, 4, 16, 16, 0).withSpinLockAt(0),
                MapAttr.of(MapType.LRU_HASH, 4, 16, 16, 0).withSpinLockAt(0),
                MapAttr.of(MapType.LRU_PERCPU_HASH, 4, 16, 16, 0).withSpinLockAt(0),
                MapAttr.of(MapType.ARRAY, 4, 16, 16, 0).withSpinLockAt(12),
                MapAttr.of(MapType.ARRAY, 4, 16, 16, MapFlags.MMAPABLE).withSpinLockAt(0),
                MapAttr.of(MapType.ARRAY, 4, 4, 16, 0).withSpinLockAt(0),
                MapAttr.of(MapType.PERCPU_ARRAY, 4, 16, 16, 0).withSpinLockAt(0),
                MapAttr.of(MapType.PROG_ARRAY, 4, 4, 16, 0).withSpinLockAt(0),
                MapAttr.of(MapType.PERF_EVENT_ARRAY, 4, 4, 16, 0).withSpinLockAt(0));
        for (MapAttr a : cases) {
            int kernel = KernelBpf.createErrno(a);
            int ours;
            try (BpfMap m = factory.create(a)) {
                ours = 0;
            } catch (MapException e) {
                ours = e.errno();
            }
            assertEquals(Errno.describe(kernel), Errno.describe(ours), "BPF_MAP_CREATE " + a);
        }
    }

    /**
     * A per-CPU value has one slot per possible CPU as the kernel counts them (num_possible_cpus()):
     * the kernel's lookup into an oversized buffer writes exactly our sysValueSize bytes.
     */
    @Test
    void perCpuValuesHaveASlotPerPossibleCpuAsTheKernels() {
        assumeTrue(kernelUnavailable.isEmpty(), kernelUnavailable.orElse(""));
        for (MapType type : new MapType[] {MapType.PERCPU_ARRAY, MapType.PERCPU_HASH, MapType.LRU_PERCPU_HASH}) {
            MapAttr attr = MapAttr.of(type, 4, 12, 4, 0);
            try (BpfMap ours = factory.create(attr)) {
                int size = ours.sysValueSize();
                assertEquals(16 * MapFactory.possibleCpus(), size, type + ": round_up(12, 8) per possible CPU");
                int spare = 256;
                try (KernelBpf kernel = KernelBpf.create(attr, size + spare)) {
                    byte[] value = Bytes.filled(size + spare, 3);
                    assertEquals(0, kernel.update(Bytes.u32(1), value, MapFlags.ANY), type + ": kernel update");
                    byte[] sentinel = new byte[size + spare];
                    java.util.Arrays.fill(sentinel, (byte) 0xa5);
                    byte[] got = kernel.lookupInto(Bytes.u32(1), sentinel);
                    assertArrayEquals(java.util.Arrays.copyOf(value, size), java.util.Arrays.copyOf(got, size),
                            type + ": the kernel's lookup filled our sysValueSize bytes");
                    assertArrayEquals(java.util.Arrays.copyOfRange(sentinel, size, size + spare),
                            java.util.Arrays.copyOfRange(got, size, size + spare),
                            type + ": and wrote nothing beyond them");
                }
            }
        }
    }

    @Test
    void lruMapsEvictOnAFullMapLikeTheKernelsInsteadOfFailing() {
        assumeTrue(kernelUnavailable.isEmpty(), kernelUnavailable.orElse(""));
        for (MapType type : new MapType[] {MapType.LRU_HASH, MapType.LRU_PERCPU_HASH}) {
            MapAttr attr = MapAttr.of(type, 4, 8, 256, 0);
            try (BpfMap ours = factory.create(attr); KernelBpf kernel = KernelBpf.create(attr, ours.sysValueSize())) {
                byte[] value = new byte[ours.sysValueSize()];
                for (int i = 0; i < 4 * 256; i++) {
                    byte[] key = Bytes.u32(i);
                    assertEquals(0, kernel.update(key, value, MapFlags.ANY), type + ": kernel update " + i);
                    ours.update(key, value, MapFlags.ANY);
                }
                int kernelCount = Run.walk(kernel::nextKey).size();
                assertTrue(kernelCount <= 256 && ours.count() <= 256, type + ": kernel holds " + kernelCount
                        + ", ours " + ours.count() + " of 256");
            }
        }
    }

    /** One randomized run against one kernel map. */
    private static final class Run {
        final Shape shape;
        final BpfMap ours;
        final KernelBpf kernel;
        final Random rnd;
        final MapType type;
        final int keySize;
        final int valueSize;
        /** the value holds a struct bpf_spin_lock: BPF_F_LOCK is valid */
        final boolean locked;
        /** hash maps: buckets, roundup_pow_of_two(max_entries) as htab_map_alloc() */
        final long buckets;
        /** keys the kernel map holds, kept from the results of successful operations */
        final Set<String> model = new HashSet<>();
        /** how often each operation ended with each errno, to show the run exercised the semantics */
        final Map<String, Integer> outcomes = new HashMap<>();
        int step;

        Run(Shape shape, BpfMap ours, KernelBpf kernel, Random rnd) {
            this.shape = shape;
            this.ours = ours;
            this.kernel = kernel;
            this.rnd = rnd;
            this.type = ours.type();
            this.keySize = ours.keySize();
            this.valueSize = ours.sysValueSize();
            this.locked = shape.attr().spinLockOffset() >= 0;
            long max = Integer.toUnsignedLong(ours.maxEntries());
            this.buckets = Long.highestOneBit(max) == max ? max : Long.highestOneBit(max) << 1;
        }

        void go() {
            for (step = 0; step < OPS; step++) {
                int op = rnd.nextInt(100);
                // alternate phases: mostly inserting (so maps fill up), then the general mix
                boolean filling = (step / 1500) % 2 == 1;
                if (filling && op < 60 || op < 35) {
                    update();
                } else if (op < 55) {
                    lookup();
                } else if (op < 67) {
                    delete();
                } else if (op < 77) {
                    nextKey();
                } else if (op < 81) {
                    lookupAndDelete();
                } else if (op < 87) {
                    updateBatch();
                } else if (op < 91) {
                    deleteBatch();
                } else if (op < 94) {
                    lookupBatch();
                } else if (op < 96) {
                    batchCursor();
                } else if (op < 97 && rnd.nextInt(4) == 0) {
                    lookupAndDeleteBatch();
                } else {
                    badFlags();
                }
                if (step % 500 == 0) {
                    compareContents();
                }
            }
            compareContents();
            List<String> required = new ArrayList<>(List.of("update:ok", "update:EEXIST", "update:EINVAL",
                    "lookup:ok", "lookup:ENOENT", "lookup:EINVAL", "update_batch:ok", "update_batch:EINVAL"));
            if (type.isHash()) {
                required.addAll(List.of("update:ENOENT", "delete:ok", "delete:ENOENT", "lookup_and_delete:ok",
                        "lookup_and_delete:ENOENT", "delete_batch:ENOENT", "get_next_key:ok"));
            } else {
                required.addAll(List.of("update:E2BIG", "delete:EINVAL", "lookup_and_delete:ENOTSUPP",
                        "delete_batch:ENOTSUPP", "lookup_batch:ENOENT", "get_next_key:ENOENT"));
            }
            if (shape.label().contains("E2BIG")) {
                required.add("update:E2BIG");
            }
            if (type.isHash()) {
                required.addAll(List.of("lookup_batch_cursor:ENOENT", "lookup_batch_cursor:ok",
                        "lookup_and_delete_batch_cursor:ENOENT", "lookup_batch_cursor:EINVAL"));
            }
            if (locked) {
                required.addAll(List.of("locked_lookup:ok", "locked_update:ok", "locked_update:EEXIST",
                        "locked_update_batch:ok"));
                if (type.isHash()) {
                    required.addAll(List.of("locked_lookup_and_delete:ok", "locked_update:ENOENT"));
                }
            }
            for (String r : required) {
                assertTrue(outcomes.containsKey(r), shape.label() + ": the run never saw " + r + "; saw " + outcomes);
            }
            System.out.println(shape.label() + ": " + OPS + " operations matched the kernel's: "
                    + new java.util.TreeMap<>(outcomes));
        }

        String where() {
            return shape.label() + " step " + step;
        }

        byte[] key() {
            ByteBuffer b = ByteBuffer.allocate(keySize).order(ByteOrder.LITTLE_ENDIAN);
            int k = rnd.nextInt(shape.universe());
            if (keySize >= 4) {
                b.putInt(k);
                while (b.hasRemaining()) {
                    b.put((byte) (k * 31));
                }
            } else {
                b.put((byte) k);
            }
            return b.array();
        }

        byte[] value() {
            byte[] v = new byte[valueSize];
            rnd.nextBytes(v);
            return v;
        }

        long updateFlags() {
            int f = rnd.nextInt(100);
            if (f < 50) {
                return MapFlags.ANY;
            } else if (f < 70) {
                return MapFlags.NOEXIST;
            } else if (f < 90) {
                return MapFlags.EXIST;
            } else if (f < 94) {
                return MapFlags.F_LOCK | (locked ? rnd.nextInt(3) : 0);
            } else if (f < 97) {
                return 3;
            }
            return 8;
        }

        static int errnoOf(Runnable r) {
            try {
                r.run();
                return 0;
            } catch (MapException e) {
                return e.errno();
            }
        }

        void sameErrno(int kernelErrno, int ourErrno, String what) {
            outcomes.merge(what.split(" ")[0] + ":" + (kernelErrno == 0 ? "ok" : Errno.describe(kernelErrno)), 1,
                    Integer::sum);
            assertEquals(Errno.describe(kernelErrno), Errno.describe(ourErrno), where() + ": " + what);
        }

        void update() {
            byte[] k = key();
            byte[] v = value();
            long flags = updateFlags() | (locked && rnd.nextBoolean() ? MapFlags.F_LOCK : 0);
            int kr = kernel.update(k, v, flags);
            int or = errnoOf(() -> ours.update(k, v, flags));
            sameErrno(kr, or, lockedPrefix(flags) + "update " + HEX.formatHex(k) + " flags " + flags);
            if (kr == 0 && type.isHash()) {
                model.add(HEX.formatHex(k));
            }
        }

        /** BPF_F_LOCK on a map with a spin lock: counted apart, to show the locked paths ran. */
        String lockedPrefix(long flags) {
            return locked && (flags & MapFlags.F_LOCK) != 0 ? "locked_" : "";
        }

        void lookup() {
            byte[] k = key();
            long flags = locked && rnd.nextBoolean() ? MapFlags.F_LOCK : 0;
            KernelBpf.Result kr = kernel.lookup(k, flags);
            Optional<byte[]> or;
            String what = lockedPrefix(flags) + "lookup " + HEX.formatHex(k);
            try {
                or = ours.lookup(k, flags);
            } catch (MapException e) {
                sameErrno(kr.errno(), e.errno(), what);
                return;
            }
            sameErrno(kr.errno(), or.isPresent() ? 0 : Errno.ENOENT.code(), what);
            if (kr.ok()) {
                assertArrayEquals(kr.value(), or.get(), where() + ": value of " + HEX.formatHex(k));
            }
        }

        void delete() {
            byte[] k = key();
            int kr = kernel.delete(k);
            int or = errnoOf(() -> {
                if (!ours.delete(k)) {
                    throw new MapException(Errno.ENOENT, "delete");
                }
            });
            sameErrno(kr, or, "delete " + HEX.formatHex(k));
            if (kr == 0) {
                model.remove(HEX.formatHex(k));
            }
        }

        void nextKey() {
            byte[] k = rnd.nextInt(4) == 0 ? null : key();
            KernelBpf.Result kr = kernel.nextKey(k);
            Optional<byte[]> or = ours.nextKey(k);
            String what = "get_next_key " + (k == null ? "NULL" : HEX.formatHex(k));
            if (!type.isHash()) {
                sameErrno(kr.errno(), or.isPresent() ? 0 : Errno.ENOENT.code(), what);
                if (kr.ok()) {
                    assertArrayEquals(kr.value(), or.get(), where() + ": " + what);
                }
                return;
            }
            // hash maps: order is unspecified, but a key returned must be in the map, and a
            // key not in the map (or none) gives the first key iff the map is not empty
            boolean startsOver = k == null || !model.contains(HEX.formatHex(k));
            if (startsOver) {
                int expected = model.isEmpty() ? Errno.ENOENT.code() : 0;
                sameErrno(expected, kr.errno(), what + " (kernel)");
                sameErrno(expected, or.isPresent() ? 0 : Errno.ENOENT.code(), what + " (ours)");
            }
            if (kr.ok()) {
                assertTrue(model.contains(HEX.formatHex(kr.value())), where() + ": kernel's " + what);
            }
            or.ifPresent(n -> assertTrue(model.contains(HEX.formatHex(n)), where() + ": our " + what + " gave "
                    + HEX.formatHex(n) + ", not in the map"));
        }

        void lookupAndDelete() {
            byte[] k = key();
            long flags = rnd.nextInt(locked ? 2 : 10) == 0 ? MapFlags.F_LOCK : 0;
            KernelBpf.Result kr = kernel.lookupAndDelete(k, flags);
            int or = 0;
            byte[] ov = null;
            try {
                Optional<byte[]> r = ours.lookupAndDelete(k, flags);
                if (r.isEmpty()) {
                    or = Errno.ENOENT.code();
                } else {
                    ov = r.get();
                }
            } catch (MapException e) {
                or = e.errno();
            }
            sameErrno(kr.errno(), or, lockedPrefix(flags) + "lookup_and_delete " + HEX.formatHex(k) + " flags " + flags);
            if (kr.ok()) {
                assertArrayEquals(kr.value(), ov, where() + ": lookup_and_delete value");
                model.remove(HEX.formatHex(k));
            }
        }

        void updateBatch() {
            int n = 1 + rnd.nextInt(8);
            byte[] keys = new byte[n * keySize];
            byte[] values = new byte[n * valueSize];
            for (int i = 0; i < n; i++) {
                System.arraycopy(key(), 0, keys, i * keySize, keySize);
            }
            rnd.nextBytes(values);
            long elemFlags = rnd.nextInt(5) == 0 ? MapFlags.NOEXIST : locked && rnd.nextBoolean() ? MapFlags.F_LOCK : 0;
            BatchResult kr = kernel.batch(KernelBpf.BPF_MAP_UPDATE_BATCH, null, 4, keys, values, n, elemFlags, 0);
            BatchResult or;
            try {
                or = ours.updateBatch(keys, values, n, elemFlags);
            } catch (MapException e) {
                sameErrno(kr.errno(), e.errno(), "update_batch");
                return;
            }
            sameErrno(kr.errno(), or.errno(), lockedPrefix(elemFlags) + "update_batch of " + n);
            assertEquals(kr.count(), or.count(), where() + ": update_batch count");
            if (type.isHash()) {
                for (int i = 0; i < kr.count(); i++) {
                    model.add(HEX.formatHex(keys, i * keySize, (i + 1) * keySize));
                }
            }
        }

        void deleteBatch() {
            int n = 1 + rnd.nextInt(6);
            byte[] keys = new byte[n * keySize];
            for (int i = 0; i < n; i++) {
                System.arraycopy(key(), 0, keys, i * keySize, keySize);
            }
            BatchResult kr = kernel.batch(KernelBpf.BPF_MAP_DELETE_BATCH, null, 4, keys, null, n, 0, 0);
            BatchResult or;
            try {
                or = ours.deleteBatch(keys, n, 0);
            } catch (MapException e) {
                sameErrno(kr.errno(), e.errno(), "delete_batch");
                return;
            }
            sameErrno(kr.errno(), or.errno(), "delete_batch of " + n);
            assertEquals(kr.count(), or.count(), where() + ": delete_batch count");
            for (int i = 0; i < kr.count(); i++) {
                model.remove(HEX.formatHex(keys, i * keySize, (i + 1) * keySize));
            }
        }

        void lookupBatch() {
            if (!type.isHash()) {
                arrayLookupBatch();
                return;
            }
            Map<String, String> k = walkBatches(false, true);
            Map<String, String> o = walkBatches(false, false);
            assertEquals(k, o, where() + ": lookup_batch walk (as sets)");
        }

        void arrayLookupBatch() {
            byte[] in = rnd.nextInt(3) == 0 ? null : key();
            int count = rnd.nextInt(shape.universe() + 5);
            long elemFlags = batchElemFlags();
            long flags = rnd.nextInt(8) == 0 ? 1 : 0;
            BatchResult kr = kernel.batch(KernelBpf.BPF_MAP_LOOKUP_BATCH, in, keySize, null, null, count, elemFlags,
                    flags);
            BatchResult or;
            try {
                or = ours.lookupBatch(in, count, elemFlags, flags);
            } catch (MapException e) {
                sameErrno(kr.errno(), e.errno(), "lookup_batch elem_flags " + elemFlags);
                return;
            }
            String what = lockedPrefix(elemFlags) + "lookup_batch from " + (in == null ? "start" : HEX.formatHex(in))
                    + " count " + count + " elem_flags " + elemFlags + " flags " + flags;
            sameErrno(kr.errno(), or.errno(), what);
            assertEquals(kr.count(), or.count(), where() + ": " + what + " count");
            assertArrayEquals(kr.keys(), java.util.Arrays.copyOf(or.keys(), kr.count() * keySize), where() + ": keys");
            assertArrayEquals(kr.values(), java.util.Arrays.copyOf(or.values(), kr.count() * valueSize),
                    where() + ": values");
            if (kr.count() > 0) {
                assertArrayEquals(kr.outBatch(), or.outBatch(), where() + ": out_batch");
            }
        }

        void lookupAndDeleteBatch() {
            if (!type.isHash()) {
                BatchResult kr = kernel.batch(KernelBpf.BPF_MAP_LOOKUP_AND_DELETE_BATCH, null, keySize, null, null, 4, 0, 0);
                int or = errnoOf(() -> ours.lookupAndDeleteBatch(null, 4, 0, 0));
                sameErrno(kr.errno(), or, "lookup_and_delete_batch on an array");
                return;
            }
            Map<String, String> k = walkBatches(true, true);
            Map<String, String> o = walkBatches(true, false);
            assertEquals(k, o, where() + ": lookup_and_delete_batch walk (as sets)");
            model.clear();
        }

        /** Every (key, value) by repeated batch calls until ENOENT, growing count on ENOSPC. */
        Map<String, String> walkBatches(boolean delete, boolean onKernel) {
            Map<String, String> seen = new HashMap<>();
            byte[] cursor = null;
            int count = 1 + rnd.nextInt(8);
            int cmd = delete ? KernelBpf.BPF_MAP_LOOKUP_AND_DELETE_BATCH : KernelBpf.BPF_MAP_LOOKUP_BATCH;
            long elemFlags = locked && rnd.nextBoolean() ? MapFlags.F_LOCK : 0;
            for (int guard = 0; guard < 100_000; guard++) {
                BatchResult r = onKernel ? kernel.batch(cmd, cursor, 4, null, null, count, elemFlags, 0)
                        : delete ? ours.lookupAndDeleteBatch(cursor, count, elemFlags, 0)
                        : ours.lookupBatch(cursor, count, elemFlags, 0);
                if (r.errno() == Errno.ENOSPC.code()) {
                    assertEquals(0, r.count(), where() + ": ENOSPC with elements copied");
                    count *= 2;
                    continue;
                }
                assertTrue(r.errno() == 0 || r.errno() == Errno.ENOENT.code(),
                        where() + ": batch walk errno " + Errno.describe(r.errno()) + (onKernel ? " (kernel)" : " (ours)"));
                for (int i = 0; i < r.count(); i++) {
                    String key = HEX.formatHex(r.keys(), i * keySize, (i + 1) * keySize);
                    String old = seen.put(key, HEX.formatHex(r.values(), i * valueSize, (i + 1) * valueSize));
                    assertEquals(null, old, where() + ": key " + key + " returned twice by one walk");
                }
                if (r.errno() == Errno.ENOENT.code()) {
                    return seen;
                }
                cursor = r.outBatch();
            }
            throw new AssertionError(where() + ": batch walk did not end");
        }

        /** Mostly 0; BPF_F_LOCK where valid; sometimes a bit the kernel refuses. */
        long batchElemFlags() {
            int r = rnd.nextInt(10);
            return r == 0 ? 16 : r < 4 && locked ? MapFlags.F_LOCK : r == 4 ? MapFlags.F_LOCK : 0;
        }

        /**
         * Hash batch cursors (__htab_map_lookup_and_delete_batch()): a bucket index; from one at or
         * beyond n_buckets ENOENT and nothing copied; count 0 returns at once; flags must be 0. Those
         * answers do not depend on where keys hash, so they are compared exactly; from a cursor inside
         * the table (bucket contents differ with the hash function) the answer is checked against the
         * cursor's contract: keys in the map, out_batch past in_batch and at most n_buckets, ENOENT
         * exactly when the walk reached n_buckets, ENOSPC only with nothing copied.
         */
        void batchCursor() {
            if (!type.isHash()) {
                return;
            }
            long[] cursors = {buckets, buckets + 1, 0xffffffffL, buckets - 1, rnd.nextInt((int) buckets), 0};
            long cursor = cursors[rnd.nextInt(cursors.length)];
            byte[] in = Bytes.u32((int) cursor);
            int count = rnd.nextInt(5) == 0 ? 0 : 1 + rnd.nextInt(16);
            long elemFlags = batchElemFlags();
            long flags = rnd.nextInt(8) == 0 ? 1 : 0;
            boolean delete = cursor >= buckets || count == 0 || flags != 0 ? rnd.nextBoolean() : false;
            int cmd = delete ? KernelBpf.BPF_MAP_LOOKUP_AND_DELETE_BATCH : KernelBpf.BPF_MAP_LOOKUP_BATCH;
            String what = (delete ? "lookup_and_delete_batch_cursor" : "lookup_batch_cursor") + " from bucket "
                    + cursor + " of " + buckets + " count " + count + " elem_flags " + elemFlags + " flags " + flags;
            BatchResult kr = kernel.batch(cmd, in, 4, null, null, count, elemFlags, flags);
            BatchResult or;
            try {
                or = delete ? ours.lookupAndDeleteBatch(in, count, elemFlags, flags)
                        : ours.lookupBatch(in, count, elemFlags, flags);
            } catch (MapException e) {
                sameErrno(kr.errno(), e.errno(), what);
                return;
            }
            if (cursor >= buckets || count == 0 || kr.errno() == Errno.EINVAL.code()) {
                sameErrno(kr.errno(), or.errno(), what);
                assertEquals(kr.count(), or.count(), where() + ": " + what + ": count");
                return;
            }
            outcomes.merge(what.split(" ")[0] + ":" + (kr.errno() == 0 ? "ok" : Errno.describe(kr.errno())), 1,
                    Integer::sum);
            checkCursorContract(kr, cursor, count, what + " (kernel)");
            checkCursorContract(or, cursor, count, what + " (ours)");
        }

        void checkCursorContract(BatchResult r, long cursor, int count, String what) {
            int e = r.errno();
            assertTrue(e == 0 || e == Errno.ENOENT.code() || e == Errno.ENOSPC.code(),
                    where() + ": " + what + ": errno " + Errno.describe(e));
            assertTrue(r.count() <= count, where() + ": " + what + ": " + r.count() + " elements for count " + count);
            if (e == Errno.ENOSPC.code()) {
                assertEquals(0, r.count(), where() + ": " + what + ": ENOSPC with elements copied");
                return;
            }
            long out = Integer.toUnsignedLong(Bytes.u32(r.outBatch(), 0));
            assertTrue(out > cursor && out <= buckets, where() + ": " + what + ": out_batch " + out);
            assertEquals(e == Errno.ENOENT.code(), out == buckets, where() + ": " + what + ": ENOENT iff the walk "
                    + "reached n_buckets (out_batch " + out + ")");
            for (int i = 0; i < r.count(); i++) {
                String key = HEX.formatHex(r.keys(), i * keySize, (i + 1) * keySize);
                assertTrue(model.contains(key), where() + ": " + what + " returned " + key + ", not in the map");
            }
        }

        void badFlags() {
            byte[] k = key();
            long flags = rnd.nextBoolean() ? MapFlags.F_LOCK : 16;
            KernelBpf.Result kr = kernel.lookup(k, flags);
            int or = errnoOf(() -> ours.lookup(k, flags).orElseThrow(() -> new MapException(Errno.ENOENT, "lookup")));
            sameErrno(kr.errno(), or, "lookup with flags " + flags);
        }

        /** Full walks by get_next_key on both sides, then every value, compared. */
        void compareContents() {
            List<byte[]> kernelKeys = walk(kernel::nextKey);
            List<byte[]> ourKeys = new ArrayList<>();
            byte[] prev = null;
            for (int guard = 0; guard <= Integer.toUnsignedLong(ours.maxEntries()) + 1; guard++) {
                Optional<byte[]> n = ours.nextKey(prev);
                if (n.isEmpty()) {
                    break;
                }
                ourKeys.add(n.get());
                prev = n.get();
            }
            Set<String> ks = new HashSet<>();
            kernelKeys.forEach(b -> ks.add(HEX.formatHex(b)));
            Set<String> os = new HashSet<>();
            ourKeys.forEach(b -> os.add(HEX.formatHex(b)));
            assertEquals(kernelKeys.size(), ks.size(), where() + ": kernel walk repeated a key");
            assertEquals(ourKeys.size(), os.size(), where() + ": our walk repeated a key");
            assertEquals(ks, os, where() + ": key sets");
            if (type.isHash()) {
                assertEquals(model, ks, where() + ": key set vs the results of operations");
                assertEquals(ks.size(), ours.count(), where() + ": element count");
            }
            for (byte[] k : kernelKeys) {
                assertArrayEquals(kernel.lookup(k, 0).value(), ours.lookup(k).orElse(null),
                        where() + ": value of " + HEX.formatHex(k));
            }
        }

        static List<byte[]> walk(java.util.function.Function<byte[], KernelBpf.Result> next) {
            List<byte[]> keys = new ArrayList<>();
            byte[] prev = null;
            for (int guard = 0; guard < 1_000_000; guard++) {
                KernelBpf.Result r = next.apply(prev);
                if (!r.ok()) {
                    return keys;
                }
                keys.add(r.value());
                prev = r.value();
            }
            throw new AssertionError("kernel get_next_key walk did not end");
        }
    }
}
