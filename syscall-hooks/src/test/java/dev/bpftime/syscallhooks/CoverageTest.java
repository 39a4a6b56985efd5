package dev.bpftime.syscallhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Syscall User Dispatch only while some code is uncovered (README.md, "When the fallback is on"):
 * a program whose every syscall site is rewritten or turned into ud2 runs without it; new code
 * (a library loaded later, a page mapped read-write-execute) turns it on in every thread, those
 * created before (one spinning without any syscall) and after, and no syscall is missed; also
 * with enter-only pure callbacks, which run on the entry's fast path while the fallback is off, and
 * with every number given a direct program (on the fast path while the fallback is off, from the full
 * path while it is on; a thread's first syscalls handed to on_enter), getpid routed to nobody.
 */
class CoverageTest {
    private static final long GETPPID = 110;
    private static final long GETPID = 39;
    private static final int CALLS = 1000;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Workloads.Mode.class, names = {"REWRITE", "PURE", "PURE_ENTER", "DIRECT"})
    void newCodeTurnsTheFallbackOnInEveryThreadAndNothingIsMissed(Workloads.Mode mode) throws Exception {
        String plugin = NativeBuild.dir().resolve("test/libworkload_plugin.so").toAbsolutePath().toString();
        Workloads.Result r = Workloads.run("covered_newcode", mode, Map.of(), plugin);
        Workloads.assertClean(r.run(), "covered_newcode ok\n");
        RecordedTrace t = r.trace();
        assertEquals(2, t.coverage.size(), "coverage records at install and exit: " + t.coverage.size());
        long[] atInstall = t.coverage.get(0).values();
        assertEquals(0, atInstall[1], "Syscall User Dispatch at installation (all code covered)");
        assertTrue(atInstall[0] > 0, "libc's sites that cannot be rewritten trap as ud2: " + atInstall[0]);

        List<Long> perThread = t.byTid.values().stream()
                .map(l -> l.stream().filter(s -> s.nr() == GETPPID).count())
                .filter(n -> n > 0).sorted().collect(Collectors.toList());
        assertEquals(List.of((long) CALLS, (long) CALLS, 1L + 3L * CALLS), perThread,
                "getppid seen per thread: created before, created after, main (libc, plugin, page, libc)");

        long getpid = t.byTid.values().stream().flatMap(List::stream).filter(s -> s.nr() == GETPID).count();
        if (mode == Workloads.Mode.DIRECT) {
            assertEquals(0, getpid, "getpid is routed to nobody, but was seen");
            assertTrue(t.byTid.values().stream().flatMap(List::stream).allMatch(s -> s.ret() == null),
                    "a number routed to a direct program has no exit event");
            assertTrue(t.byTid.values().stream().flatMap(List::stream).noneMatch(s -> s.args()[0] == 0x5ec710bL),
                    "a direct program ran with a record unlike the kernel's or outside its section"
                            + " (recorder_preload.c direct_prog)");
        } else {
            assertTrue(getpid >= 30000, "the workload's 30000 getpid seen: " + getpid);
        }

        HookStats end = HookStats.of(t.finalStats.get(t.finalStats.size() - 1));
        assertTrue(end.traps() >= 3 * CALLS, "the page's syscalls trapped (the fallback was on): " + end);
        assertEquals(0, t.coverage.get(1).values()[1], "Syscall User Dispatch off again once the page is unmapped");
    }

    @Test
    void codeWithoutUnwindTablesKeepsTheFallbackOn() throws Exception {
        Workloads.Result r = Workloads.run("workload_basic", Workloads.Mode.REWRITE, Map.of());
        Workloads.assertClean(r.run(), "workload_basic ok\n");
        assertEquals(1, r.trace().coverage.get(0).values()[1],
                "workload_asm.S's syscalls have no unwind table: Syscall User Dispatch stays on");
    }
}
