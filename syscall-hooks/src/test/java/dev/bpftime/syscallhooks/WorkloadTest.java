package dev.bpftime.syscallhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each workload under the hooks, in both modes, with callbacks that clobber errno and every
 * vector register: the workload checks its own results (errno, registers and flags across raw
 * syscalls, signals, fork, vfork, exec, threads) and must print exactly its one line.
 */
class WorkloadTest {

    @ParameterizedTest
    @EnumSource(value = Workloads.Mode.class, names = {"REWRITE", "FALLBACK", "PURE"})
    void basic(Workloads.Mode mode) throws Exception {
        Workloads.Result r = Workloads.run("workload_basic", mode, Map.of());
        Workloads.assertClean(r.run(), "workload_basic ok\n");
        Workloads.assertNoRuntimeSyscalls(r.trace(), false);
        assertEquals(1, r.trace().byTid.size(), "one thread");
        long getppid = r.trace().byTid.values().iterator().next().stream().filter(s -> s.nr() == 110).count();
        assertEquals(4, getppid, "getppid calls (3 through libc or asm, 1 in the register check)");
    }

    @ParameterizedTest
    @EnumSource(value = Workloads.Mode.class, names = {"REWRITE", "FALLBACK", "PURE"})
    void threads(Workloads.Mode mode) throws Exception {
        Workloads.Result r = Workloads.run("workload_threads", mode, Map.of());
        Workloads.assertClean(r.run(), "workload_threads ok\n");
        Workloads.assertNoRuntimeSyscalls(r.trace(), false);
        assertEquals(9, r.trace().byTid.size(), "main thread and 8 workers");
        assertEquals(8, r.trace().childStart.size(), "each worker saw its clone3 return 0");
        r.trace().byTid.forEach((tid, list) -> {
            if (r.trace().childStart.containsKey(tid)) {
                assertEquals(401, list.stream().filter(s -> s.nr() == 110).count(), "getppid calls of tid " + tid);
                assertEquals(200, list.stream().filter(s -> s.nr() == 1 && s.ret() == 5).count(), "writes of tid " + tid);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(value = Workloads.Mode.class, names = {"REWRITE", "FALLBACK", "PURE"})
    void fork(Workloads.Mode mode) throws Exception {
        Workloads.Result r = Workloads.run("workload_fork", mode, Map.of());
        Workloads.assertClean(r.run(), "workload_fork ok\n");
        Workloads.assertNoRuntimeSyscalls(r.trace(), false);
        /* main image, then the exec-ed images of the vfork and posix_spawn children */
        assertEquals(3, r.trace().installs.size(), "installations (one per process image)");
        assertEquals(4, r.trace().childStart.size(), "children: fork, vfork, posix_spawn, clone");
    }

    @ParameterizedTest
    @EnumSource(value = Workloads.Mode.class, names = {"REWRITE", "FALLBACK", "PURE"})
    void signals(Workloads.Mode mode) throws Exception {
        Workloads.Result r = Workloads.run("workload_signals", mode, Map.of());
        Workloads.assertClean(r.run(), "workload_signals ok\n");
        Workloads.assertNoRuntimeSyscalls(r.trace(), true /* raise() */);
        List<SyscallEvent> main = r.trace().byTid.values().iterator().next();
        assertTrue(main.stream().anyMatch(s -> s.nr() == 15 && s.ret() != null && s.ret() == -4),
                "the rt_sigreturn after SIGALRM restores read's -EINTR: " + main);
    }
}
