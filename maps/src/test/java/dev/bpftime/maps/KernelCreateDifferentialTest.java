package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BPF_MAP_CREATE with randomized attributes against the kernel: every implemented type (and
 * type numbers that are none), key and value sizes, max_entries and map_flags drawn around the
 * limits the kernel checks (map_create(), each type's map_alloc_check / map_alloc): the errno, or
 * success, must be the kernel's. Sizes stay small enough that the kernel's allocation of a valid
 * map is harmless; absurd sizes are ExhaustionTest's. Needs root.
 */
class KernelCreateDifferentialTest {
    static final int CREATIONS = 4_000;
    private static Optional<String> kernelUnavailable;

    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(512L << 20));

    @BeforeAll
    static void probeKernel() {
        kernelUnavailable = KernelBpf.unavailableReason();
    }

    @Test
    void randomAttributesGetTheKernelsAnswer() {
        assumeTrue(kernelUnavailable.isEmpty(), kernelUnavailable.orElse(""));
        Random rnd = new Random(2024);
        int[] types = {0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 27};
        int[] keySizes = {0, 1, 3, 4, 5, 8, 16, 64, 512};
        int[] valueSizes = {0, 1, 3, 4, 7, 8, 12, 64, 4096, 32768, 32769, 65536};
        int[] maxEntries = {0, 1, 2, 3, 16, 100, 1024, 4096, 8192};
        String[] names = {"", "", "", "map_1", "x.y", "bad-name", "sixteen_chars_xx"};
        Map<String, Integer> outcomes = new TreeMap<>();
        int created = 0;
        while (created < CREATIONS) {
            int type = types[rnd.nextInt(types.length)];
            int key = keySizes[rnd.nextInt(keySizes.length)];
            int value = valueSizes[rnd.nextInt(valueSizes.length)];
            int max = maxEntries[rnd.nextInt(maxEntries.length)];
            // most draws keep what the type requires, so that its other rules get exercised too
            if (rnd.nextInt(3) > 0) {
                switch (type) {
                    case 2, 6 -> key = 4;
                    case 3, 4, 8 -> {
                        key = 4;
                        value = 4;
                    }
                    case 27 -> {
                        key = 0;
                        value = 0;
                        max = 4096 << rnd.nextInt(3);
                    }
                    default -> {
                    }
                }
            }
            if ((long) (key + value) * max * (type == 5 || type == 6 || type == 10 ? 2 : 1) > (16L << 20)) {
                continue;
            }
            int flags = 0;
            for (int bit = 0; bit <= 12; bit++) {
                if (rnd.nextInt(16) == 0) {
                    flags |= 1 << bit;
                }
            }
            if (rnd.nextInt(50) == 0) {
                flags |= 1 << 13;
            }
            MapAttr a = new MapAttr(type, key, value, max, flags, -1, names[rnd.nextInt(names.length)]);
            int kernel = KernelBpf.createErrno(a);
            int ours;
            try (BpfMap m = factory.create(a)) {
                ours = 0;
            } catch (MapException e) {
                ours = e.errno();
            }
            assertEquals(Errno.describe(kernel), Errno.describe(ours), "BPF_MAP_CREATE " + a);
            outcomes.merge(MapType.of(type).map(Enum::name).orElse("type " + type) + ":"
                    + (kernel == 0 ? "ok" : Errno.describe(kernel)), 1, Integer::sum);
            created++;
        }
        for (String t : new String[] {"HASH", "ARRAY", "PROG_ARRAY", "PERF_EVENT_ARRAY", "PERCPU_HASH", "PERCPU_ARRAY", "CGROUP_ARRAY",
            "LRU_HASH", "LRU_PERCPU_HASH", "RINGBUF"}) {
            assertTrue(outcomes.containsKey(t + ":ok") && outcomes.containsKey(t + ":EINVAL"),
                    t + ": the run never created one, or never saw one refused; saw " + outcomes);
        }
        System.out.println("BPF_MAP_CREATE: " + CREATIONS + " random attributes matched the kernel's: " + outcomes);
    }
}
