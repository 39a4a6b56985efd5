package dev.bpftime.syscallhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fast path: syscall sites of the loaded objects are rewritten at installation, those of a
 * library loaded later after its first trap, so that the fallback (SIGSYS) sees only sites that
 * cannot be rewritten; here, the workloads' hand-written asm, which has no unwind table.
 */
class RewriteTest {

    @Test
    void mostSitesOfTheLoadedObjectsAreRewritten() throws Exception {
        Workloads.Result r = Workloads.run("workload_basic", Workloads.Mode.REWRITE, Map.of());
        Workloads.assertClean(r.run(), "workload_basic ok\n");
        HookStats at = HookStats.of(r.trace().installs.get(0));
        assertTrue(at.objectsScanned() >= 3, "the executable, libc, ld.so: " + at);
        assertTrue(at.sitesFound() >= 200, "libc alone has hundreds of syscall sites: " + at);
        assertEquals(at.sitesFound(), at.rewritten() + at.left(), "every site found is rewritten or left: " + at);
        assertTrue(at.rewritten() * 100 >= at.sitesFound() * 85, "at least 85 % rewritten: " + at);
    }

    @Test
    void onlyUnrewritableSitesReachTheFallback() throws Exception {
        Workloads.Result fast = Workloads.run("workload_threads", Workloads.Mode.REWRITE, Map.of());
        Workloads.Result slow = Workloads.run("workload_threads", Workloads.Mode.FALLBACK, Map.of());
        Workloads.assertClean(fast.run(), "workload_threads ok\n");
        Workloads.assertClean(slow.run(), "workload_threads ok\n");
        long calls = count(fast.trace());
        long asmCalls = 8 * 200; // asm_raw_syscall in each worker: no unwind table, not rewritable
        long fastTraps = HookStats.of(last(fast.trace().finalStats)).traps();
        long slowTraps = HookStats.of(last(slow.trace().finalStats)).traps();
        assertTrue(fastTraps <= asmCalls + 64, "traps with rewriting: " + fastTraps + " of " + calls + " syscalls");
        assertTrue(slowTraps >= calls - 64, "traps without: " + slowTraps + " of " + calls + " syscalls");
    }

    @Test
    void aLibraryLoadedLaterIsRewrittenAfterItsFirstTrap() throws Exception {
        String plugin = NativeBuild.dir().resolve("test/libworkload_plugin.so").toAbsolutePath().toString();
        Workloads.Result r = Workloads.run("workload_dlopen", Workloads.Mode.REWRITE, Map.of(), plugin);
        Workloads.assertClean(r.run(), "workload_dlopen ok\n");
        HookStats at = HookStats.of(r.trace().installs.get(0));
        HookStats end = HookStats.of(last(r.trace().finalStats));
        assertEquals(at.objectsScanned() + 1, end.objectsScanned(), "the plugin was scanned: " + end);
        assertEquals(at.rewritten() + 1, end.rewritten(), "its one site was rewritten: " + end);
        assertTrue(end.traps() <= 3, "1000 calls from the plugin, traps: " + end.traps());
        List<SyscallEvent> main = r.trace().byTid.values().iterator().next();
        assertEquals(1001, main.stream().filter(s -> s.nr() == 110).count(), "getppid calls, all seen");

        Workloads.Result slow = Workloads.run("workload_dlopen", Workloads.Mode.FALLBACK, Map.of(), plugin);
        assertTrue(HookStats.of(last(slow.trace().finalStats)).traps() >= 1000, "the fallback alone traps each");
    }

    private static long count(RecordedTrace t) {
        return t.byTid.values().stream().mapToLong(List::size).sum();
    }

    private static RecorderLog.Event last(List<RecorderLog.Event> l) {
        assertTrue(!l.isEmpty(), "no final stats record: the workload did not exit normally");
        return l.get(l.size() - 1);
    }
}
