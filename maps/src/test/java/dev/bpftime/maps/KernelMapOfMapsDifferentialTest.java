package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ARRAY_OF_MAPS and HASH_OF_MAPS against the kernel's: one randomized sequence of abstract operations
 * ("put inner map k at key i" with any flags, delete, lookup, lookup_and_delete, walks with
 * get_next_key, lookup batches) applied to both outer maps. A pool of inner maps, some of the
 * template's shape and some not (a larger ARRAY, a HASH), exists on both sides; the kernel's slots
 * take their fds and give their kernel ids back, ours take our maps and give our ids, so results are
 * compared through the pool index k. Needs root; skips otherwise.
 */
class KernelMapOfMapsDifferentialTest {
    /** Each update or delete of a map of maps waits an RCU grace period in the kernel (maybe_wait_bpf_programs()). */
    static final int OPS = 5_000;
    private static Optional<String> kernelUnavailable;

    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(64L << 20));

    @BeforeAll
    static void probeKernel() {
        kernelUnavailable = KernelBpf.unavailableReason();
    }

    enum Outer {
        ARRAY_OF_MAPS(MapType.ARRAY_OF_MAPS), HASH_OF_MAPS(MapType.HASH_OF_MAPS);

        final MapType type;

        Outer(MapType type) {
            this.type = type;
        }
    }

    /** The pool: the template's shape (4), a larger ARRAY, a HASH, an ARRAY with BPF_F_INNER_MAP. */
    private static final List<MapAttr> POOL = List.of(MapAttr.of(MapType.ARRAY, 4, 8, 4, 0),
            MapAttr.of(MapType.ARRAY, 4, 8, 4, 0), MapAttr.of(MapType.ARRAY, 4, 8, 4, 0),
            MapAttr.of(MapType.ARRAY, 4, 8, 4, 0), MapAttr.of(MapType.ARRAY, 4, 8, 16, 0),
            MapAttr.of(MapType.HASH, 4, 8, 4, 0), MapAttr.of(MapType.ARRAY, 4, 8, 4, MapFlags.INNER_MAP));

    @ParameterizedTest
    @EnumSource(Outer.class)
    void slotsMatchTheKernelsWithMapsForFds(Outer outer) {
        assumeTrue(kernelUnavailable.isEmpty(), kernelUnavailable.orElse(""));
        List<KernelBpf> kernelInner = new ArrayList<>();
        List<BpfMap> ourInner = new ArrayList<>();
        Map<Integer, Integer> kernelIdToK = new HashMap<>();
        Map<Integer, Integer> ourIdToK = new HashMap<>();
        try {
            for (int k = 0; k < POOL.size(); k++) {
                KernelBpf km = KernelBpf.create(POOL.get(k), 8);
                kernelInner.add(km);
                kernelIdToK.put(km.id(), k);
                ourInner.add(factory.create(POOL.get(k), 3000 + k));
                ourIdToK.put(3000 + k, k);
            }
            MapAttr attr = MapAttr.of(outer.type, 4, 4, 6, 0);
            try (KernelBpf kernel = KernelBpf.createOuter(attr, kernelInner.get(0).fd);
                    BpfMap ours = factory.create(attr, 2999, () -> ourInner.get(0))) {
                Random rnd = new Random(outer.ordinal() + 11);
                Map<String, Integer> outcomes = new TreeMap<>();
                for (int step = 0; step < OPS; step++) {
                    String what = outer + " step " + step + ": ";
                    int key = rnd.nextInt(9);
                    byte[] k = Bytes.u32(key);
                    int op = rnd.nextInt(100);
                    String outcome;
                    if (op < 40) {
                        int inner = rnd.nextInt(POOL.size());
                        long flags = new long[] {0, 0, 0, MapFlags.NOEXIST, MapFlags.EXIST, MapFlags.F_LOCK, 8}[rnd.nextInt(7)];
                        int ke = kernel.update(k, Bytes.u32(kernelInner.get(inner).fd), flags);
                        int oe = errnoOf(() -> ours.updateInner(k, ourInner.get(inner), flags));
                        assertEquals(Errno.describe(ke), Errno.describe(oe), what + "put " + inner + " at " + key
                                + " flags " + flags);
                        outcome = "update:" + name(ke);
                    } else if (op < 60) {
                        int ke = kernel.delete(k);
                        int oe = errnoOf(() -> {
                            if (!ours.delete(k)) {
                                throw new MapException(Errno.ENOENT, "no such key");
                            }
                        });
                        assertEquals(Errno.describe(ke), Errno.describe(oe), what + "delete " + key);
                        outcome = "delete:" + name(ke);
                    } else if (op < 85) {
                        KernelBpf.Result kr = kernel.lookup(k, 0);
                        Optional<byte[]> or = ours.lookup(k);
                        Integer kk = kr.ok() ? kernelIdToK.get(Bytes.u32(kr.value(), 0)) : null;
                        Integer ok = or.map(v -> ourIdToK.get(Bytes.u32(v, 0))).orElse(null);
                        assertEquals(kr.ok() ? "inner " + kk : Errno.describe(kr.errno()),
                                or.isPresent() ? "inner " + ok : Errno.describe(Errno.ENOENT.code()), what + "lookup " + key);
                        outcome = "lookup:" + name(kr.errno());
                    } else if (op < 88) {
                        KernelBpf.Result kr = kernel.lookupAndDelete(k, 0);
                        int oe = errnoOf(() -> ours.lookupAndDelete(k, 0));
                        assertEquals(Errno.describe(kr.errno()), Errno.describe(oe), what + "lookup_and_delete");
                        outcome = "lookup_and_delete:" + name(kr.errno());
                    } else if (op < 95) {
                        assertEquals(walk(kernel, kernelIdToK), walkOurs(ours, ourIdToK), what + "walk");
                        outcome = "walk";
                    } else {
                        BatchResult kb = kernel.batch(KernelBpf.BPF_MAP_LOOKUP_BATCH, null, ours.batchCursorSize(), null,
                                null, 16, 0, 0);
                        BatchResult ob = ours.lookupBatch(null, 16, 0, 0);
                        assertEquals(Errno.describe(kb.errno()), Errno.describe(ob.errno()), what + "lookup batch");
                        assertEquals(pairs(kb, kernelIdToK), pairs(ob, ourIdToK), what + "lookup batch elements");
                        outcome = "lookup_batch:" + name(kb.errno());
                    }
                    outcomes.merge(outcome, 1, Integer::sum);
                }
                for (String needed : List.of("update:ok", "update:EINVAL", "delete:ok", "delete:ENOENT", "lookup:ok",
                        "lookup:ENOENT", "lookup_and_delete:ENOTSUPP")) {
                    assertTrue(outcomes.containsKey(needed), outer + ": no " + needed + " in " + outcomes);
                }
                assertTrue(outcomes.containsKey(outer == Outer.ARRAY_OF_MAPS ? "update:E2BIG" : "update:EEXIST"),
                        outcomes.toString());
            }
        } finally {
            kernelInner.forEach(KernelBpf::close);
            ourInner.forEach(BpfMap::close);
        }
    }

    private static String name(int errno) {
        return errno == 0 ? "ok" : Errno.describe(errno);
    }

    private interface Call {
        void run();
    }

    private static int errnoOf(Call c) {
        try {
            c.run();
            return 0;
        } catch (MapException e) {
            return e.errno();
        }
    }

    /** key -> pool index of every element, by get_next_key from NULL (the order is the implementation's). */
    private static Map<Integer, Integer> walk(KernelBpf kernel, Map<Integer, Integer> idToK) {
        Map<Integer, Integer> out = new TreeMap<>();
        byte[] key = null;
        for (int n = 0; n < 64; n++) {
            KernelBpf.Result next = kernel.nextKey(key);
            if (!next.ok()) {
                break;
            }
            key = next.value();
            KernelBpf.Result v = kernel.lookup(key, 0);
            if (v.ok()) {
                out.put(Bytes.u32(key, 0), idToK.get(Bytes.u32(v.value(), 0)));
            }
        }
        return out;
    }

    private static Map<Integer, Integer> walkOurs(BpfMap ours, Map<Integer, Integer> idToK) {
        Map<Integer, Integer> out = new TreeMap<>();
        byte[] key = null;
        for (int n = 0; n < 64; n++) {
            Optional<byte[]> next = ours.nextKey(key);
            if (next.isEmpty()) {
                break;
            }
            key = next.get();
            Optional<byte[]> v = ours.lookup(key);
            if (v.isPresent()) {
                out.put(Bytes.u32(key, 0), idToK.get(Bytes.u32(v.get(), 0)));
            }
        }
        return out;
    }

    private static Map<Integer, Integer> pairs(BatchResult r, Map<Integer, Integer> idToK) {
        Map<Integer, Integer> out = new TreeMap<>();
        for (int i = 0; i < r.count(); i++) {
            out.put(Bytes.u32(r.keys(), 4 * i), idToK.get(Bytes.u32(r.values(), 4 * i)));
        }
        return out;
    }
}
