package dev.bpftime.syscallhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * bpf_override_return at a syscall tracepoint: the callback skips openat of one path and makes it
 * return -EPERM. The file exists and is readable, the application sees EPERM, the kernel never
 * sees the openat, and the exit event reports the overridden result.
 */
class OverrideTest {
    static final long SYS_OPENAT = 257, EPERM = 1;

    @ParameterizedTest
    @EnumSource(value = Workloads.Mode.class, names = {"REWRITE", "FALLBACK", "PURE"})
    void openatOfOnePathFailsWithEpermWithoutRunning(Workloads.Mode mode) throws Exception {
        assumeTrue(Workloads.hasStrace(), "strace is not installed (Debian package strace)");
        Path dir = Workloads.scratch("sh-override");
        Path target = Files.writeString(dir.resolve("denied.txt"), "readable");
        Path prefix = dir.resolve("st");

        Workloads.Result allowed = Workloads.run("workload_basic", mode, Map.of(), target.toString());
        Workloads.assertClean(allowed.run(), "open " + target + ": 0 errno 0\nworkload_basic ok\n");

        Workloads.Result denied = Workloads.run("workload_basic", mode,
                Map.of("BPFTIME_SH_TEST_DENY_OPENAT", target.toString()), prefix, target.toString());
        Workloads.assertClean(denied.run(), "open " + target + ": -1 errno 1\nworkload_basic ok\n");

        List<SyscallEvent> ours = denied.trace().byTid.values().iterator().next();
        assertEquals(1, ours.stream().filter(s -> s.nr() == SYS_OPENAT && s.ret() != null && s.ret() == -EPERM).count(),
                "one openat reported with the overridden -EPERM: " + ours);
        StraceTrace kernel = new StraceTrace(prefix, ErrnoNames.table());
        List<SyscallEvent> ran = kernel.byTid.values().iterator().next();
        assertEquals(0, ran.stream().filter(s -> s.nr() == SYS_OPENAT && s.ret() != null && s.ret() == -EPERM).count(),
                "the kernel ran no openat that failed with EPERM");
        assertEquals(ours.stream().filter(s -> s.nr() == SYS_OPENAT).count() - 1,
                ran.stream().filter(s -> s.nr() == SYS_OPENAT).count(), "the kernel ran one openat fewer than reported");
    }
}
