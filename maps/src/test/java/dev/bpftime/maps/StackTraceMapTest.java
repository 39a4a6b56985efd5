package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * STACK_TRACE (kernel/bpf/stackmap.c): bpf_get_stackid's store (ids, collisions, BPF_F_REUSE_STACKID,
 * BPF_F_FAST_STACK_CMP, the max_entries limit) and the syscall side (lookup, delete, get_next_key, no
 * update), the latter against the kernel's map filled by a raw tracepoint program run with
 * BPF_PROG_TEST_RUN (as root).
 */
class StackTraceMapTest {
    private static final long FAST_STACK_CMP = 1 << 9;
    private static final long REUSE_STACKID = 1 << 10;
    private static final int EEXIST = 17;

    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(64L << 20));

    private static long store(BpfMap m, long[] ips, long flags) {
        return NativeMaps.bpftime_stackmap_get_stackid(m.handle(), ips, ips.length, flags);
    }

    private static byte[] key(int id) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(id).array();
    }

    private static int id(byte[] key) {
        return ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static long[] stack(Random rnd, int depth) {
        long[] ips = new long[depth];
        for (int i = 0; i < depth; i++) {
            ips[i] = 0x400000L + rnd.nextInt(1 << 20);
        }
        return ips;
    }

    @Test
    void storedStacksReadBackWithTheirTailZeroed() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.STACK_TRACE, 4, 8 * 6, 16, 0))) {
            long[] ips = {0x401000, 0x402000, 0x403000};
            long id = store(m, ips, 0);
            assertTrue(id >= 0 && id < 16, "stack id " + id);
            assertEquals(id, store(m, ips, 0), "the same stack again gets the same id");
            byte[] value = m.lookup(key((int) id)).orElseThrow();
            ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 6; i++) {
                assertEquals(i < 3 ? ips[i] : 0, b.getLong(), "ip " + i);
            }
            assertEquals(1, m.count());
            assertEquals(Optional.of((int) id), m.nextKey(null).map(StackTraceMapTest::id));
            assertEquals(Optional.empty(), m.nextKey(key((int) id)));
            assertTrue(m.delete(key((int) id)));
            assertFalse(m.delete(key((int) id)), "deleted twice");
            assertEquals(Optional.empty(), m.lookup(key((int) id)));
            assertEquals(0, m.count());
        }
    }

    @Test
    void aCollisionIsEexistUnlessReuseAndFastCompareTrustsTheHash() {
        // 3 entries: 4 buckets, so two different stacks share one soon
        try (BpfMap m = factory.create(MapAttr.of(MapType.STACK_TRACE, 4, 8 * 4, 3, 0))) {
            Random rnd = new Random(5);
            long[] first = stack(rnd, 3);
            long id = store(m, first, 0);
            long[] other;
            long rc;
            do {
                other = stack(rnd, 3);
                rc = store(m, other, 0);
                if (rc >= 0 && rc != id) {
                    assertTrue(m.delete(key((int) rc)));
                }
            } while (rc != -EEXIST);
            assertEquals(id, store(m, other, REUSE_STACKID), "reuse replaces the bucket's stack");
            assertEquals(other[0], ByteBuffer.wrap(m.lookup(key((int) id)).orElseThrow())
                    .order(ByteOrder.LITTLE_ENDIAN).getLong(), "the bucket holds the new stack");
            assertEquals(-EEXIST, store(m, first, 0), "now the first stack collides");
        }
    }

    @Test
    void noMoreThanMaxEntriesStacksAtOnce() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.STACK_TRACE, 4, 8, 3, 0))) {
            Random rnd = new Random(9);
            Set<Long> ids = new TreeSet<>();
            long rc = 0;
            while (rc != -Errno.ENOMEM.code()) {
                rc = store(m, stack(rnd, 1), 0);
                if (rc >= 0) {
                    ids.add(rc);
                } else {
                    assertTrue(rc == -EEXIST || rc == -Errno.ENOMEM.code(), "get_stackid: " + rc);
                }
            }
            assertEquals(3, ids.size(), "stacks stored when the 4th was refused: " + ids);
        }
    }

    @Test
    void creationFollowsStackMapAlloc() {
        assertEquals(Errno.EINVAL, refusal(MapAttr.of(MapType.STACK_TRACE, 4, 12, 4, 0)));
        assertEquals(Errno.EINVAL, refusal(MapAttr.of(MapType.STACK_TRACE, 8, 8, 4, 0)));
        assertEquals(Errno.EINVAL, refusal(MapAttr.of(MapType.STACK_TRACE, 4, 8 * 128, 4, 0)));
        assertEquals(Errno.EINVAL, refusal(MapAttr.of(MapType.STACK_TRACE, 4, 8, 4, MapFlags.MMAPABLE)));
        assertEquals(Errno.EOPNOTSUPP, refusal(MapAttr.of(MapType.STACK_TRACE, 4, 32, 4, MapFlags.STACK_BUILD_ID)));
        try (BpfMap m = factory.create(MapAttr.of(MapType.STACK_TRACE, 4, 8 * 127, 4, 0))) {
            MapException e = assertThrows(MapException.class, () -> m.update(key(0), new byte[8 * 127], 0));
            assertEquals(Errno.EINVAL.code(), e.errno(), "update from the syscall side");
        }
    }

    private Errno refusal(MapAttr a) {
        try (BpfMap m = factory.create(a)) {
            throw new AssertionError("created " + a);
        } catch (MapException e) {
            return Errno.of(e.errno()).orElseThrow();
        }
    }

    // ---- the syscall side against the kernel's ----

    /** r6 = r1; r2 = map; r1 = r6; r3 = flags; call bpf_get_stackid; exit, as a raw tracepoint program. */
    private static int loadStackidProgram(int mapFd, int flags) {
        ByteBuffer b = ByteBuffer.allocate(7 * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0xbf).put((byte) 0x16).putShort((short) 0).putInt(0);
        b.put((byte) 0x18).put((byte) 0x12).putShort((short) 0).putInt(mapFd);
        b.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(0);
        b.put((byte) 0xbf).put((byte) 0x61).putShort((short) 0).putInt(0);
        b.put((byte) 0xb7).put((byte) 0x03).putShort((short) 0).putInt(flags);
        b.put((byte) 0x85).put((byte) 0).putShort((short) 0).putInt(27);
        b.put((byte) 0x95).put((byte) 0).putShort((short) 0).putInt(0);
        Memory code = KernelBpf.buffer(b.array(), b.capacity());
        Memory license = KernelBpf.buffer("GPL\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 4);
        Memory attr = new Memory(KernelBpf.ATTR_SIZE);
        attr.clear();
        attr.setInt(0, 17); // BPF_PROG_TYPE_RAW_TRACEPOINT
        attr.setInt(4, 7);
        attr.setLong(8, Pointer.nativeValue(code));
        attr.setLong(16, Pointer.nativeValue(license));
        long rc = KernelBpf.bpf(5, attr); // BPF_PROG_LOAD
        if (rc < 0) {
            throw new MapException((int) -rc, "kernel BPF_PROG_LOAD of a bpf_get_stackid program");
        }
        return (int) rc;
    }

    /** BPF_PROG_TEST_RUN: the program's 32-bit return value (the stack id or -errno). */
    private static int testRun(int progFd) {
        Memory attr = new Memory(KernelBpf.ATTR_SIZE);
        attr.clear();
        attr.setInt(0, progFd);
        long rc = KernelBpf.bpf(10, attr); // BPF_PROG_TEST_RUN
        if (rc < 0) {
            throw new MapException((int) -rc, "kernel BPF_PROG_TEST_RUN");
        }
        return attr.getInt(4); // test.retval
    }

    @Test
    void syscallSideMatchesTheKernelsWithStacksStoredByAProgram() {
        Optional<String> why = KernelBpf.unavailableReason();
        assumeTrue(why.isEmpty(), why.orElse(""));
        int maxEntries = 50; // 64 buckets on both sides
        int buckets = 64;
        int depth = 32;
        MapAttr attr = MapAttr.of(MapType.STACK_TRACE, 4, 8 * depth, maxEntries, 0);
        try (KernelBpf kernel = KernelBpf.create(attr, 8 * depth); BpfMap ours = factory.create(attr)) {
            // stack k: the kernel's stack of the test run with k frames skipped; ours a made-up one
            List<Integer> kernelIds = new ArrayList<>();
            List<Integer> ourIds = new ArrayList<>();
            Random rnd = new Random(11);
            for (int skip = 0; skip < 6; skip++) {
                int prog = loadStackidProgram(kernel.fd, skip);
                int kid;
                try {
                    kid = testRun(prog);
                } finally {
                    Libc.close(prog);
                }
                if (kid < 0 || kernelIds.contains(kid)) {
                    continue; // a collision or a stack shorter than the skip: not a stack to compare
                }
                long oid;
                do {
                    oid = store(ours, stack(rnd, 1 + rnd.nextInt(depth)), 0);
                } while (oid < 0 || ourIds.contains((int) oid));
                kernelIds.add(kid);
                ourIds.add((int) oid);
            }
            assertTrue(kernelIds.size() >= 3, "the kernel stored stacks " + kernelIds);
            int emptyK = firstEmpty(kernelIds, buckets);
            int emptyO = firstEmpty(ourIds, buckets);
            int[][] probes = new int[kernelIds.size() + 5][];
            for (int k = 0; k < kernelIds.size(); k++) {
                probes[k] = new int[] {kernelIds.get(k), ourIds.get(k)};
            }
            int n = kernelIds.size();
            probes[n] = new int[] {emptyK, emptyO};
            probes[n + 1] = new int[] {buckets, buckets};
            probes[n + 2] = new int[] {buckets + 7, buckets + 7};
            probes[n + 3] = new int[] {-1, -1};
            probes[n + 4] = new int[] {maxEntries, maxEntries};
            for (int[] p : probes) {
                String what = "key " + Integer.toUnsignedString(p[0]) + " / " + Integer.toUnsignedString(p[1]);
                KernelBpf.Result kl = kernel.lookup(key(p[0]), 0);
                assertEquals(Errno.describe(kl.errno()), Errno.describe(ourErrno(() -> ours.lookup(key(p[1]))
                        .orElseThrow(() -> new MapException(Errno.ENOENT, "lookup")))), "lookup " + what);
                assertEquals(Errno.describe(kernel.lookup(key(p[0]), 4).errno()),
                        Errno.describe(ourErrno(() -> ours.lookup(key(p[1]), 4))), "lookup flags 4 " + what);
                assertEquals(Errno.describe(kernel.update(key(p[0]), new byte[8 * depth], 0)),
                        Errno.describe(ourErrno(() -> ours.update(key(p[1]), new byte[8 * depth], 0))), "update " + what);
            }
            assertEquals(Set.copyOf(kernelIds), walk(k -> kernel.nextKey(k).value()), "kernel get_next_key walk");
            assertEquals(Set.copyOf(ourIds), walk(k -> ours.nextKey(k).orElse(null)), "our get_next_key walk");
            // deletes: stack 0, twice; an empty bucket; beyond the buckets
            for (int[] p : new int[][] {probes[0], probes[0], probes[n], probes[n + 1], probes[n + 3]}) {
                assertEquals(Errno.describe(kernel.delete(key(p[0]))), Errno.describe(ourErrno(() -> {
                    if (!ours.delete(key(p[1]))) {
                        throw new MapException(Errno.ENOENT, "delete");
                    }
                })), "delete " + Integer.toUnsignedString(p[0]));
            }
            assertEquals(Set.copyOf(kernelIds.subList(1, n)), walk(k -> kernel.nextKey(k).value()), "kernel after delete");
            assertEquals(Set.copyOf(ourIds.subList(1, n)), walk(k -> ours.nextKey(k).orElse(null)), "ours after delete");
            // lookup_and_delete (Linux 6.12's bpf_stackmap_extract): stack 1, then again, stack 0 (deleted),
            // an empty bucket, beyond the buckets
            for (int[] p : new int[][] {probes[1], probes[1], probes[0], probes[n], probes[n + 1], probes[n + 3]}) {
                assertEquals(Errno.describe(kernel.lookupAndDelete(key(p[0]), 0).errno()),
                        Errno.describe(ourErrno(() -> ours.lookupAndDelete(key(p[1]), 0)
                                .orElseThrow(() -> new MapException(Errno.ENOENT, "lookup_and_delete")))),
                        "lookup_and_delete " + Integer.toUnsignedString(p[0]));
            }
            assertEquals(Set.copyOf(kernelIds.subList(2, n)), walk(k -> kernel.nextKey(k).value()), "kernel after extract");
            assertEquals(Set.copyOf(ourIds.subList(2, n)), walk(k -> ours.nextKey(k).orElse(null)), "ours after extract");
            // get_next_key from a deleted (empty) or out-of-range key restarts from the first
            assertEquals(kernel.nextKey(null).ok(), kernel.nextKey(key(kernelIds.get(0))).ok());
            assertArrayEquals(ours.nextKey(null).orElseThrow(), ours.nextKey(key(ourIds.get(0))).orElseThrow());
            assertArrayEquals(ours.nextKey(null).orElseThrow(), ours.nextKey(key(buckets + 3)).orElseThrow());
            assertArrayEquals(kernel.nextKey(null).value(), kernel.nextKey(key(buckets + 3)).value());
        }
    }

    private static int firstEmpty(List<Integer> used, int buckets) {
        for (int i = 0; i < buckets; i++) {
            if (!used.contains(i)) {
                return i;
            }
        }
        throw new AssertionError("no empty bucket");
    }

    private static Set<Integer> walk(java.util.function.UnaryOperator<byte[]> next) {
        Set<Integer> ids = new TreeSet<>();
        byte[] k = next.apply(null);
        while (k != null && ids.add(id(k))) {
            k = next.apply(k);
        }
        return ids;
    }

    private static int ourErrno(Runnable op) {
        try {
            op.run();
            return 0;
        } catch (MapException e) {
            return e.errno();
        }
    }
}
