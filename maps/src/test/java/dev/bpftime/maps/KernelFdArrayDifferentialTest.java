package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PROG_ARRAY and PERF_EVENT_ARRAY against the kernel's: one randomized sequence of abstract
 * operations ("put object k in slot i", delete, lookup, get_next_key, lookup_and_delete, the batch
 * commands, NULL pointers, bad flags, out-of-range slots, then freeze) applied to both maps. A
 * kernel slot takes the fd of a kernel object (a loaded program, a perf event); ours takes the id
 * the service gives the object (the syscall layer translates fds to ids), so results are compared
 * through the object's index k. Needs root; skips otherwise.
 */
class KernelFdArrayDifferentialTest {
    static final int OPS = 12_000;
    private static Optional<String> kernelUnavailable;

    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(64L << 20));

    @BeforeAll
    static void probeKernel() {
        kernelUnavailable = KernelBpf.unavailableReason();
    }

    /**
     * The objects slots can hold: kernel fds for the kernel's map, our ids for ours, and what a
     * kernel lookup returns for each (a program's id; null when lookups are not supported).
     */
    record Objects(int[] kernelFds, int[] kernelLookupValues, int[] ourIds) {
        int count() {
            return kernelFds.length;
        }

        static int indexOf(int[] values, int v, String side) {
            for (int k = 0; k < values.length; k++) {
                if (values[k] == v) {
                    return k;
                }
            }
            throw new AssertionError(side + " lookup returned " + v + ", not one of " + Arrays.toString(values));
        }
    }

    @Test
    void progArraySlotsMatchTheKernelsWithProgramsForFds() {
        assumeTrue(kernelUnavailable.isEmpty(), kernelUnavailable.orElse(""));
        int programs = 4;
        int[] fds = new int[programs];
        int[] kernelIds = new int[programs];
        int[] ourIds = new int[programs];
        try {
            for (int k = 0; k < programs; k++) {
                // one program type, so every program is compatible with the array's owner (bpf_prog_map_compatible())
                fds[k] = KernelPrograms.loadReturnZero(KernelPrograms.SOCKET_FILTER);
                kernelIds[k] = KernelBpf.objectId(fds[k]);
                ourIds[k] = 1000 + k;
            }
            MapAttr attr = MapAttr.of(MapType.PROG_ARRAY, 4, 4, 24, 0);
            try (KernelBpf kernel = KernelBpf.create(attr, 4); BpfMap ours = factory.create(attr)) {
                Run run = new Run("PROG_ARRAY", ours, kernel, new Objects(fds, kernelIds, ourIds), new Random(3));
                run.go();
                run.require("lookup:ok", "lookup:ENOENT", "lookup_and_delete:ENOTSUPP");
            }
        } finally {
            for (int fd : fds) {
                if (fd > 0) {
                    Libc.close(fd);
                }
            }
        }
    }

    @Test
    void perfEventArraySlotsMatchTheKernelsWithPerfEventsForFds() {
        assumeTrue(kernelUnavailable.isEmpty(), kernelUnavailable.orElse(""));
        int cpus = Math.min(MapFactory.possibleCpus(), 4);
        int events = 2 * cpus;
        int[] fds = new int[events];
        int[] ourIds = new int[events];
        List<BpfMap> buffers = new ArrayList<>();
        try {
            for (int k = 0; k < events; k++) {
                int cpu = k % cpus;
                fds[k] = KernelPerfEvents.openBpfOutput(cpu);
                ourIds[k] = 2000 + k;
                buffers.add(factory.createPerfBuffer(cpu, 1, ourIds[k]));
            }
            // max_entries as libbpf sizes it (one slot per CPU), plus room to leave slots empty
            MapAttr attr = MapAttr.of(MapType.PERF_EVENT_ARRAY, 4, 4, cpus + 14, 0);
            try (KernelBpf kernel = KernelBpf.create(attr, 4); BpfMap ours = factory.create(attr)) {
                Run run = new Run("PERF_EVENT_ARRAY", ours, kernel, new Objects(fds, null, ourIds), new Random(4));
                run.go();
                run.require("lookup:ENOTSUPP");
            }
        } finally {
            for (int fd : fds) {
                if (fd > 0) {
                    Libc.close(fd);
                }
            }
            buffers.forEach(BpfMap::close);
        }
    }

    /**
     * CGROUP_ARRAY (cgroup_array_map_ops): kernel slots take fds of cgroup v2 directories (the
     * root and sub-cgroups this test makes), ours the directories' inode numbers, which is what the
     * service puts there. Lookups from the syscall side are ENOTSUPP (no map_fd_sys_lookup_elem).
     */
    @Test
    void cgroupArraySlotsMatchTheKernelsWithCgroupDirectoriesForFds() throws java.io.IOException {
        assumeTrue(kernelUnavailable.isEmpty(), kernelUnavailable.orElse(""));
        Optional<java.nio.file.Path> root = cgroup2Mount();
        assumeTrue(root.isPresent(), "no cgroup2 file system is mounted (/proc/self/mounts)");
        int cgroups = 4;
        List<java.nio.file.Path> made = new ArrayList<>();
        int[] fds = new int[cgroups];
        int[] ourIds = new int[cgroups];
        try {
            for (int k = 0; k < cgroups; k++) {
                java.nio.file.Path dir = root.get();
                if (k > 0) {
                    dir = root.get().resolve("bpftime-cgroup-array-" + ProcessHandle.current().pid() + "-" + k);
                    java.nio.file.Files.createDirectory(dir);
                    made.add(dir);
                }
                fds[k] = Libc.open(dir.toString());
                ourIds[k] = (int) (long) (Long) java.nio.file.Files.getAttribute(dir, "unix:ino");
            }
            MapAttr attr = MapAttr.of(MapType.CGROUP_ARRAY, 4, 4, 20, 0);
            try (KernelBpf kernel = KernelBpf.create(attr, 4); BpfMap ours = factory.create(attr)) {
                Run run = new Run("CGROUP_ARRAY", ours, kernel, new Objects(fds, null, ourIds), new Random(5));
                run.go();
                run.require("lookup:ENOTSUPP");
            }
        } finally {
            for (int fd : fds) {
                if (fd > 0) {
                    Libc.close(fd);
                }
            }
            for (java.nio.file.Path dir : made) {
                java.nio.file.Files.deleteIfExists(dir);
            }
        }
    }

    /** Where a cgroup v2 hierarchy is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid systems). */
    static Optional<java.nio.file.Path> cgroup2Mount() throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[2].equals("cgroup2")) {
                return Optional.of(java.nio.file.Path.of(f[1]));
            }
        }
        return Optional.empty();
    }

    /**
     * A PERF_EVENT_ARRAY slot belongs to the fd (struct file) it was set through: closing that fd
     * empties it, unless BPF_F_PRESERVE_ELEMS (perf_event_fd_array_release()); a PROG_ARRAY keeps
     * its slots while any fd is open. Slots set through a second fd, through the first, and
     * overwritten through the other; then the second fd is closed and each slot deleted through the
     * first: ok or ENOENT must be the kernel's.
     */
    @Test
    void closingTheFdASlotWasSetThroughEmptiesItAsTheKernelDoes() {
        assumeTrue(kernelUnavailable.isEmpty(), kernelUnavailable.orElse(""));
        int perfFd = KernelPerfEvents.openBpfOutput(0);
        int progFd = KernelPrograms.loadReturnZero(KernelPrograms.SOCKET_FILTER);
        Map<String, Integer> outcomes = new HashMap<>();
        try {
            for (MapAttr attr : List.of(MapAttr.of(MapType.PERF_EVENT_ARRAY, 4, 4, 4, 0),
                    MapAttr.of(MapType.PERF_EVENT_ARRAY, 4, 4, 4, MapFlags.PRESERVE_ELEMS),
                    MapAttr.of(MapType.PROG_ARRAY, 4, 4, 4, 0))) {
                byte[] kernelObject = Bytes.u32(attr.mapType() == MapType.PROG_ARRAY.id() ? progFd : perfFd);
                byte[] ourObject = Bytes.u32(7);
                try (KernelBpf kernelA = KernelBpf.create(attr, 4); BpfMap oursA = factory.create(attr)) {
                    KernelBpf kernelB = kernelA.reopen(0);
                    BpfMap oursB = oursA.withAccess(true, true);
                    // slot: the fds it is set through, in order (A the first fd, B the second)
                    String[] setters = {"B", "A", "BA", "AB"};
                    for (int slot = 0; slot < setters.length; slot++) {
                        for (char fd : setters[slot].toCharArray()) {
                            assertEquals(0, (fd == 'A' ? kernelA : kernelB).update(Bytes.u32(slot), kernelObject, 0));
                            (fd == 'A' ? oursA : oursB).update(Bytes.u32(slot), ourObject, 0);
                        }
                    }
                    kernelB.close();
                    oursB.close();
                    for (int slot = 0; slot < setters.length; slot++) {
                        int k = kernelA.delete(Bytes.u32(slot));
                        int o = oursA.delete(Bytes.u32(slot)) ? 0 : Errno.ENOENT.code();
                        String what = attr + ": slot set through " + setters[slot] + ", B closed, deleted through A";
                        assertEquals(Errno.describe(k), Errno.describe(o), what);
                        outcomes.merge(k == 0 ? "kept" : "emptied", 1, Integer::sum);
                    }
                }
            }
        } finally {
            Libc.close(perfFd);
            Libc.close(progFd);
        }
        assertTrue(outcomes.containsKey("kept") && outcomes.containsKey("emptied"), outcomes.toString());
    }

    /** One randomized run; {@link #model} is what every slot holds (an object index, -1 empty). */
    private static final class Run {
        final String label;
        final BpfMap ours;
        final KernelBpf kernel;
        final Objects objects;
        final Random rnd;
        final int max;
        final int[] model;
        final Map<String, Integer> outcomes = new HashMap<>();
        boolean frozen;
        int step;

        Run(String label, BpfMap ours, KernelBpf kernel, Objects objects, Random rnd) {
            this.label = label;
            this.ours = ours;
            this.kernel = kernel;
            this.objects = objects;
            this.rnd = rnd;
            this.max = ours.maxEntries();
            this.model = new int[max];
            Arrays.fill(model, -1);
        }

        void go() {
            int freezeAt = OPS - OPS / 12;
            for (step = 0; step < OPS; step++) {
                if (step == freezeAt) {
                    freeze();
                }
                int op = rnd.nextInt(100);
                if (op < 32) {
                    update();
                } else if (op < 48) {
                    delete();
                } else if (op < 63) {
                    lookup();
                } else if (op < 75) {
                    nextKey();
                } else if (op < 81) {
                    lookupAndDelete();
                } else if (op < 92) {
                    batch();
                } else {
                    nullPointers();
                }
                if (step % 500 == 0) {
                    compareSlots();
                }
            }
            compareSlots();
            require("update:ok", "update:EINVAL", "update:E2BIG", "update:EFAULT", "update:EPERM", "delete:ok",
                    "delete:ENOENT", "delete:E2BIG", "delete:EPERM", "get_next_key:ok", "get_next_key:ENOENT",
                    "lookup_and_delete:EINVAL", "lookup_and_delete:EPERM", "lookup_batch:ENOTSUPP",
                    "update_batch:ENOTSUPP", "update_batch:EPERM", "delete_batch:ENOTSUPP",
                    "lookup_and_delete_batch:ENOTSUPP", "lookup:EFAULT", "freeze:ok");
            System.out.println(label + ": " + OPS + " operations matched the kernel's: " + new java.util.TreeMap<>(outcomes));
        }

        void require(String... seen) {
            for (String r : seen) {
                assertTrue(outcomes.containsKey(r), label + ": the run never saw " + r + "; saw " + outcomes);
            }
        }

        String where() {
            return label + " step " + step + (frozen ? " (frozen)" : "");
        }

        void same(int kernelErrno, int ourErrno, String what) {
            outcomes.merge(what.split(" ")[0] + ":" + (kernelErrno == 0 ? "ok" : Errno.describe(kernelErrno)), 1,
                    Integer::sum);
            assertEquals(Errno.describe(kernelErrno), Errno.describe(ourErrno), where() + ": " + what);
        }

        static int errnoOf(Runnable r) {
            try {
                r.run();
                return 0;
            } catch (MapException e) {
                return e.errno();
            }
        }

        /** Mostly a slot, sometimes just past the end, rarely an index with the sign bit set. */
        int index() {
            int r = rnd.nextInt(100);
            if (r < 82) {
                return rnd.nextInt(max);
            }
            if (r < 96) {
                return max + rnd.nextInt(4);
            }
            return rnd.nextBoolean() ? -1 : Integer.MIN_VALUE;
        }

        long updateFlags() {
            int f = rnd.nextInt(100);
            if (f < 80) {
                return MapFlags.ANY;
            }
            long[] other = {MapFlags.NOEXIST, MapFlags.EXIST, MapFlags.F_LOCK, 8, 1L << 32};
            return other[rnd.nextInt(other.length)];
        }

        long readFlags() {
            int f = rnd.nextInt(100);
            if (f < 85) {
                return 0;
            }
            long[] other = {MapFlags.F_LOCK, 16, 1L << 32};
            return other[rnd.nextInt(other.length)];
        }

        void update() {
            int i = index();
            int k = rnd.nextInt(objects.count());
            long flags = updateFlags();
            int kr = kernel.update(Bytes.u32(i), Bytes.u32(objects.kernelFds()[k]), flags);
            int or = errnoOf(() -> ours.update(Bytes.u32(i), Bytes.u32(objects.ourIds()[k]), flags));
            same(kr, or, "update slot " + i + " with object " + k + " flags " + flags);
            if (kr == 0) {
                model[i] = k;
            }
        }

        void delete() {
            int i = index();
            int kr = kernel.delete(Bytes.u32(i));
            int or = errnoOf(() -> {
                if (!ours.delete(Bytes.u32(i))) {
                    throw new MapException(Errno.ENOENT, "delete");
                }
            });
            same(kr, or, "delete slot " + i);
            if (kr == 0) {
                model[i] = -1;
            }
        }

        void lookup() {
            int i = index();
            long flags = readFlags();
            KernelBpf.Result kr = kernel.lookup(Bytes.u32(i), flags);
            int or;
            Optional<byte[]> ov = Optional.empty();
            try {
                ov = ours.lookup(Bytes.u32(i), flags);
                or = ov.isPresent() ? 0 : Errno.ENOENT.code();
            } catch (MapException e) {
                or = e.errno();
            }
            same(kr.errno(), or, "lookup slot " + i + " flags " + flags);
            if (kr.ok()) {
                int kernelK = Objects.indexOf(objects.kernelLookupValues(), Bytes.u32(kr.value(), 0), "kernel");
                int ourK = Objects.indexOf(objects.ourIds(), Bytes.u32(ov.orElseThrow(), 0), "our");
                assertEquals(kernelK, ourK, where() + ": object in slot " + i);
                assertEquals(model[i], kernelK, where() + ": the kernel's slot " + i + " vs the operations' results");
            }
        }

        void nextKey() {
            byte[] k = rnd.nextInt(5) == 0 ? null : Bytes.u32(index());
            KernelBpf.Result kr = kernel.nextKey(k);
            int or;
            Optional<byte[]> on = Optional.empty();
            try {
                on = ours.nextKey(k);
                or = on.isPresent() ? 0 : Errno.ENOENT.code();
            } catch (MapException e) {
                or = e.errno();
            }
            String what = "get_next_key from " + (k == null ? "NULL" : Integer.toUnsignedString(Bytes.u32(k, 0)));
            same(kr.errno(), or, what);
            if (kr.ok()) {
                assertEquals(Bytes.u32(kr.value(), 0), Bytes.u32(on.orElseThrow(), 0), where() + ": " + what);
            }
        }

        void lookupAndDelete() {
            int i = index();
            long flags = readFlags();
            KernelBpf.Result kr = kernel.lookupAndDelete(Bytes.u32(i), flags);
            int or = errnoOf(() -> ours.lookupAndDelete(Bytes.u32(i), flags)
                    .orElseThrow(() -> new MapException(Errno.ENOENT, "lookup_and_delete")));
            same(kr.errno(), or, "lookup_and_delete slot " + i + " flags " + flags);
        }

        void batch() {
            int count = rnd.nextInt(6);
            byte[] keys = new byte[count * 4];
            byte[] kernelValues = new byte[count * 4];
            byte[] ourValues = new byte[count * 4];
            for (int n = 0; n < count; n++) {
                int k = rnd.nextInt(objects.count());
                System.arraycopy(Bytes.u32(index()), 0, keys, n * 4, 4);
                System.arraycopy(Bytes.u32(objects.kernelFds()[k]), 0, kernelValues, n * 4, 4);
                System.arraycopy(Bytes.u32(objects.ourIds()[k]), 0, ourValues, n * 4, 4);
            }
            byte[] in = rnd.nextBoolean() ? null : Bytes.u32(index());
            long elemFlags = rnd.nextInt(4) == 0 ? MapFlags.F_LOCK : 0;
            long flags = rnd.nextInt(4) == 0 ? 1 : 0;
            int which = rnd.nextInt(4);
            int[] cmds = {KernelBpf.BPF_MAP_LOOKUP_BATCH, KernelBpf.BPF_MAP_LOOKUP_AND_DELETE_BATCH,
                KernelBpf.BPF_MAP_UPDATE_BATCH, KernelBpf.BPF_MAP_DELETE_BATCH};
            String[] names = {"lookup_batch", "lookup_and_delete_batch", "update_batch", "delete_batch"};
            BatchResult kr = kernel.batch(cmds[which], in, 4, keys, which == 2 ? kernelValues : null, count, elemFlags,
                    flags);
            int or = errnoOf(() -> {
                BatchResult r = switch (which) {
                    case 0 -> ours.lookupBatch(in, count, elemFlags, flags);
                    case 1 -> ours.lookupAndDeleteBatch(in, count, elemFlags, flags);
                    case 2 -> ours.updateBatch(keys, ourValues, count, elemFlags);
                    default -> ours.deleteBatch(keys, count, elemFlags);
                };
                if (r.errno() != 0) {
                    throw new MapException(r.errno(), names[which]);
                }
            });
            same(kr.errno(), or, names[which] + " count " + count + " elem_flags " + elemFlags + " flags " + flags);
        }

        /** A NULL key or value pointer where the command reads one. */
        void nullPointers() {
            int i = rnd.nextInt(max);
            int k = rnd.nextInt(objects.count());
            switch (rnd.nextInt(5)) {
                case 0 -> same(kernel.update(null, Bytes.u32(objects.kernelFds()[k]), 0),
                        errnoOf(() -> ours.update(null, Bytes.u32(objects.ourIds()[k]), 0)), "update NULL key");
                case 1 -> same(kernel.update(Bytes.u32(i), null, 0), errnoOf(() -> ours.update(Bytes.u32(i), null, 0)),
                        "update NULL value");
                case 2 -> same(kernel.delete(null), errnoOf(() -> ours.delete(null)), "delete NULL key (EFAULT)");
                case 3 -> same(kernel.lookup(null, 0).errno(), errnoOf(() -> ours.lookup(null, 0)), "lookup NULL key");
                default -> same(kernel.lookupAndDelete(null, 0).errno(), errnoOf(() -> ours.lookupAndDelete(null, 0).orElseThrow()),
                        "lookup_and_delete NULL key");
            }
        }

        void freeze() {
            same(kernel.freeze(), errnoOf(ours::freeze), "freeze");
            same(kernel.freeze(), errnoOf(ours::freeze), "freeze again");
            frozen = true;
        }

        /** Our slots hold the ids of the objects the model says; the kernel's programs likewise. */
        void compareSlots() {
            for (int i = 0; i < max; i++) {
                int expected = model[i] < 0 ? 0 : objects.ourIds()[model[i]];
                assertEquals(expected, NativeMaps.bpftime_fd_array_get(ours.handle(), i), where() + ": our slot " + i);
                if (objects.kernelLookupValues() != null) {
                    KernelBpf.Result kr = kernel.lookup(Bytes.u32(i), 0);
                    int kernelK = kr.ok() ? Objects.indexOf(objects.kernelLookupValues(), Bytes.u32(kr.value(), 0),
                            "kernel") : -1;
                    assertEquals(model[i], kernelK, where() + ": the kernel's slot " + i);
                }
            }
        }
    }
}
