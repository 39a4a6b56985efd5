package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RINGBUF, the map type without elements, against the kernel's: creation with every combination
 * of key size, value size, size and flags around the rules of ringbuf_map_alloc() (kernel/bpf/
 * ringbuf.c), and a randomized sequence of every element and batch command (NULL or non-NULL key
 * and value pointers, any flags, then freeze): every errno must be the kernel's. Needs root.
 */
class KernelRingbufDifferentialTest {
    static final int OPS = 12_000;
    private static final int PAGE = 4096;
    private static Optional<String> kernelUnavailable;

    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(256L << 20));

    @BeforeAll
    static void probeKernel() {
        kernelUnavailable = KernelBpf.unavailableReason();
    }

    @Test
    void creationRulesMatchTheKernels() {
        assumeTrue(kernelUnavailable.isEmpty(), kernelUnavailable.orElse(""));
        int[] sizes = {0, 1, PAGE - 1, PAGE, PAGE + 1, 2 * PAGE, 3 * PAGE, 4 * PAGE, 64 * PAGE, 1 << 20, 1 << 31};
        int[] flagSets = {0, MapFlags.NUMA_NODE, MapFlags.RDONLY, MapFlags.WRONLY, MapFlags.MMAPABLE,
            MapFlags.NO_PREALLOC, MapFlags.RDONLY_PROG, MapFlags.ZERO_SEED, MapFlags.INNER_MAP};
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int keySize : new int[] {0, 4}) {
            for (int valueSize : new int[] {0, 8}) {
                for (int size : sizes) {
                    // a 2 GiB ring would be allocated by the kernel if its attributes were valid: only ask
                    // for it with an attribute the kernel refuses before allocating
                    if (size == 1 << 31 && keySize == 0 && valueSize == 0) {
                        continue;
                    }
                    for (int flags : flagSets) {
                        MapAttr a = MapAttr.of(MapType.RINGBUF, keySize, valueSize, size, flags);
                        int kernel = KernelBpf.createErrno(a);
                        int ours;
                        try (BpfMap m = factory.create(a)) {
                            ours = 0;
                        } catch (MapException e) {
                            ours = e.errno();
                        }
                        assertEquals(Errno.describe(kernel), Errno.describe(ours), "BPF_MAP_CREATE " + a);
                        outcomes.merge(kernel == 0 ? "ok" : Errno.describe(kernel), 1, Integer::sum);
                    }
                }
            }
        }
        assertTrue(outcomes.containsKey("ok") && outcomes.containsKey("EINVAL"), outcomes.toString());
        System.out.println("RINGBUF creation: " + outcomes + " matched the kernel's");
    }

    @Test
    void everyElementCommandGivesTheKernelsErrno() {
        assumeTrue(kernelUnavailable.isEmpty(), kernelUnavailable.orElse(""));
        MapAttr attr = MapAttr.of(MapType.RINGBUF, 0, 0, 4 * PAGE, 0);
        Random rnd = new Random(27);
        Map<String, Integer> outcomes = new HashMap<>();
        long[] flagChoices = {0, 0, 0, MapFlags.NOEXIST, MapFlags.EXIST, MapFlags.F_LOCK, 8, 16, 1L << 32};
        try (KernelBpf kernel = KernelBpf.create(attr, 0); BpfMap ours = factory.create(attr)) {
            for (int step = 0; step < OPS; step++) {
                if (step == OPS - OPS / 12) {
                    compare(outcomes, step, "freeze", kernel.freeze(), errno(ours::freeze));
                }
                byte[] key = rnd.nextInt(3) == 0 ? new byte[0] : null;
                byte[] value = rnd.nextInt(3) == 0 ? new byte[0] : null;
                long flags = flagChoices[rnd.nextInt(flagChoices.length)];
                String args = (key == null ? "NULL" : "key") + " " + (value == null ? "NULL" : "value") + " flags "
                        + flags;
                switch (rnd.nextInt(9)) {
                    case 0 -> compare(outcomes, step, "lookup " + args, kernel.lookup(key, flags).errno(),
                            errno(() -> ours.lookup(key, flags)));
                    case 1 -> compare(outcomes, step, "update " + args, kernel.update(key, value, flags),
                            errno(() -> ours.update(key, value, flags)));
                    case 2 -> compare(outcomes, step, "delete " + args, kernel.delete(key), errno(() -> ours.delete(key)));
                    case 3 -> compare(outcomes, step, "get_next_key " + args, kernel.nextKey(key).errno(),
                            errno(() -> ours.nextKey(key)));
                    case 4 -> compare(outcomes, step, "lookup_and_delete " + args,
                            kernel.lookupAndDelete(key, flags).errno(), errno(() -> ours.lookupAndDelete(key, flags)));
                    default -> batch(outcomes, step, rnd, kernel, ours, flags);
                }
            }
        }
        for (String r : new String[] {"lookup:ENOTSUPP", "lookup:EINVAL", "update:ENOTSUPP", "update:EINVAL",
            "update:EPERM", "delete:ENOTSUPP", "delete:EPERM", "get_next_key:ENOTSUPP", "get_next_key:EINVAL",
            "lookup_and_delete:ENOTSUPP", "lookup_and_delete:EPERM", "lookup_batch:ENOTSUPP",
            "update_batch:ENOTSUPP", "update_batch:EPERM", "freeze:ok"}) {
            assertTrue(outcomes.containsKey(r), "the run never saw " + r + "; saw " + outcomes);
        }
        System.out.println("RINGBUF: " + OPS + " commands matched the kernel's: " + new TreeMap<>(outcomes));
    }

    private static void batch(Map<String, Integer> outcomes, int step, Random rnd, KernelBpf kernel, BpfMap ours,
            long elemFlags) {
        int count = rnd.nextInt(4);
        byte[] in = rnd.nextBoolean() ? null : new byte[0];
        int which = rnd.nextInt(4);
        int[] cmds = {KernelBpf.BPF_MAP_LOOKUP_BATCH, KernelBpf.BPF_MAP_LOOKUP_AND_DELETE_BATCH,
            KernelBpf.BPF_MAP_UPDATE_BATCH, KernelBpf.BPF_MAP_DELETE_BATCH};
        String[] names = {"lookup_batch", "lookup_and_delete_batch", "update_batch", "delete_batch"};
        int k = kernel.batch(cmds[which], in, 0, new byte[0], new byte[0], count, elemFlags, 0).errno();
        Supplier<BatchResult> op = switch (which) {
            case 0 -> () -> ours.lookupBatch(in, count, elemFlags, 0);
            case 1 -> () -> ours.lookupAndDeleteBatch(in, count, elemFlags, 0);
            case 2 -> () -> ours.updateBatch(new byte[0], new byte[0], count, elemFlags);
            default -> () -> ours.deleteBatch(new byte[0], count, elemFlags);
        };
        int o;
        try {
            o = op.get().errno();
        } catch (MapException e) {
            o = e.errno();
        }
        compare(outcomes, step, names[which] + " count " + count + " elem_flags " + elemFlags, k, o);
    }

    private static void compare(Map<String, Integer> outcomes, int step, String what, int kernel, int ours) {
        outcomes.merge(what.split(" ")[0] + ":" + (kernel == 0 ? "ok" : Errno.describe(kernel)), 1, Integer::sum);
        assertEquals(Errno.describe(kernel), Errno.describe(ours), "RINGBUF step " + step + ": " + what);
    }

    private static int errno(Runnable r) {
        try {
            r.run();
            return 0;
        } catch (MapException e) {
            return e.errno();
        }
    }
}
