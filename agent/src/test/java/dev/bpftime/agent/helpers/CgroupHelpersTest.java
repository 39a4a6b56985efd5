package dev.bpftime.agent.helpers;

import static dev.bpftime.isa.Asm.call;
import static dev.bpftime.isa.Asm.ldMapFd;
import static dev.bpftime.isa.Asm.lddw;
import static dev.bpftime.isa.Asm.mov64;
import static dev.bpftime.isa.Asm.stx;
import static dev.bpftime.isa.Register.R0;
import static dev.bpftime.isa.Register.R1;
import static dev.bpftime.isa.Register.R2;
import static dev.bpftime.isa.Register.R6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Pointer;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Size;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * bpf_current_task_under_cgroup (37), bpf_get_current_cgroup_id (80) and
 * bpf_get_current_ancestor_cgroup_id (123) on the interpreter, the JIT and, as root, the kernel
 * (kernel/trace/bpf_trace.c, kernel/bpf/helpers.c). As root the test process moves into a cgroup two
 * levels below a fresh one under the cgroup2 mount, so that ancestors and a sibling exist, and moves
 * back afterwards; otherwise it stays where it is.
 */
class CgroupHelpersTest {

    private static final HelpersLib LIB = HelpersLib.LIB;
    private static final int EAGAIN = 11;
    private static final int E2BIG = 7;

    private static Path mount;
    private static String originalPath;
    private static Path base;
    private static Path sibling;

    @BeforeAll
    static void placeThisProcess() throws IOException {
        mount = cgroup2Mount().orElse(null);
        assumeTrue(mount != null, "no cgroup2 mount in /proc/self/mountinfo");
        originalPath = currentPath();
        if (LIB.geteuid() != 0 || !Files.isWritable(mount)) {
            return;
        }
        base = mount.resolve("bpftime-cgroup-test-" + LIB.getpid());
        Path inner = base.resolve("a").resolve("b");
        Files.createDirectories(inner);
        sibling = Files.createDirectories(base.resolve("c"));
        Files.writeString(inner.resolve("cgroup.procs"), Integer.toString(LIB.getpid()));
        assertEquals("/" + mount.relativize(inner), currentPath(), "this thread's cgroup after the move");
    }

    @AfterAll
    static void restore() throws IOException {
        if (base == null) {
            return;
        }
        Files.writeString(dirOf(originalPath).resolve("cgroup.procs"), Integer.toString(LIB.getpid()));
        for (Path p : List.of(base.resolve("a/b"), base.resolve("a"), base.resolve("c"), base)) {
            Files.deleteIfExists(p);
        }
    }

    static List<Harness.Engine> engines() {
        return Harness.withKernel();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void currentCgroupIdIsTheDirectorysInode(Harness.Engine e) throws IOException {
        byte[] out = Harness.run(e, List.of(call(80), stx(Size.DW, R6, 0, R0)), new byte[0]);
        assertEquals(inode(dirOf(currentPath())), Harness.u64(out, 0), "bpf_get_current_cgroup_id");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void ancestorIdsWalkFromTheRoot(Harness.Engine e) throws IOException {
        List<Path> chain = ancestry();
        int[] levels = {-1, 0, 1, 2, 3, 4, 5, 1 << 20};
        List<AsmItem> body = new ArrayList<>();
        for (int i = 0; i < levels.length; i++) {
            body.addAll(List.of(mov64(R1, levels[i]), call(123), stx(Size.DW, R6, 8 * i, R0)));
        }
        byte[] out = Harness.run(e, body, new byte[0]);
        for (int i = 0; i < levels.length; i++) {
            int level = levels[i];
            long expected = level >= 0 && level < chain.size() ? inode(chain.get(level)) : 0;
            assertEquals(expected, Harness.u64(out, 8 * i), "bpf_get_current_ancestor_cgroup_id(" + level + ")");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void underCgroupMatchesTheThreadAndItsAncestorsOnly(Harness.Engine e) throws IOException {
        List<Path> chain = ancestry();
        // slots: the root, the thread's cgroup, its parent (or the root again), a cgroup beside it, empty
        Path parent = chain.size() > 1 ? chain.get(chain.size() - 2) : chain.get(0);
        Path self = chain.get(chain.size() - 1);
        long[] expected = {1, 1, 1, 0, -EAGAIN, -E2BIG, -E2BIG};
        int[] indices = {0, 1, 2, 3, 4, 5, -1};
        int slots = 5;
        Pointer ours = null;
        int kernelFd = -1;
        AsmItem mapRef;
        if (e == Harness.Engine.KERNEL) {
            Harness.assumeKernel(e);
            assumeTrue(sibling != null, "the kernel's CGROUP_ARRAY needs a sibling cgroup (made as root)");
            kernelFd = LIB.helpers_test_kernel_cgroup_array(slots);
            assertTrue(kernelFd >= 0, "kernel CGROUP_ARRAY: " + kernelFd);
            Path[] dirs = {chain.get(0), self, parent, sibling};
            for (int i = 0; i < dirs.length; i++) {
                assertEquals(0, LIB.helpers_test_kernel_cgroup_set(kernelFd, i, dirs[i].toString()), "slot " + i);
            }
            mapRef = ldMapFd(R1, kernelFd);
        } else {
            ours = Engines.createMap(8, 4, 4, slots);
            long beside = sibling != null ? inode(sibling) : notAnAncestor(chain);
            long[] ids = {inode(chain.get(0)), inode(self), inode(parent), beside};
            for (int i = 0; i < ids.length; i++) {
                assertEquals(0, LIB.bpftime_map_sys_update(ours, le(i), le((int) ids[i]), 0), "slot " + i);
            }
            mapRef = lddw(R1, Pointer.nativeValue(ours));
        }
        try {
            List<AsmItem> body = new ArrayList<>();
            for (int i = 0; i < indices.length; i++) {
                body.addAll(List.of(mapRef, mov64(R2, indices[i]), call(37), stx(Size.DW, R6, 8 * i, R0)));
            }
            byte[] out = Harness.run(e, body, new byte[0]);
            for (int i = 0; i < indices.length; i++) {
                assertEquals(expected[i], Harness.u64(out, 8 * i),
                        "bpf_current_task_under_cgroup(map, " + Integer.toUnsignedString(indices[i]) + ")");
            }
        } finally {
            if (ours != null) {
                LIB.bpftime_map_close(ours);
            }
            if (kernelFd >= 0) {
                LIB.helpers_test_close(kernelFd);
            }
        }
    }

    /** The thread's cgroup and its ancestors, the root first. */
    private static List<Path> ancestry() throws IOException {
        List<Path> chain = new ArrayList<>();
        for (Path p = dirOf(currentPath()); p.startsWith(mount); p = p.getParent()) {
            chain.add(0, p);
        }
        return chain;
    }

    private static long notAnAncestor(List<Path> chain) throws IOException {
        long candidate = 0x7ffffff0L;
        for (Path p : chain) {
            candidate = Math.max(candidate, (inode(p) & 0xffffffffL) + 1);
        }
        return candidate & 0xffffffffL;
    }

    private static String currentPath() throws IOException {
        return Files.readAllLines(Path.of("/proc/thread-self/cgroup")).stream().filter(l -> l.startsWith("0::"))
                .map(l -> l.substring(3)).findFirst()
                .orElseThrow(() -> new AssertionError("/proc/thread-self/cgroup: no 0:: line"));
    }

    private static Path dirOf(String cgroupPath) {
        return cgroupPath.equals("/") ? mount : mount.resolve(cgroupPath.substring(1));
    }

    private static long inode(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    private static Optional<Path> cgroup2Mount() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            int sep = line.indexOf(" - ");
            if (sep > 0 && line.startsWith("cgroup2 ", sep + 3)) {
                String[] f = line.split(" ");
                if (f[3].equals("/")) {
                    return Optional.of(Path.of(f[4].replace("\\040", " ")));
                }
            }
        }
        return Optional.empty();
    }

    private static byte[] le(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }
}
