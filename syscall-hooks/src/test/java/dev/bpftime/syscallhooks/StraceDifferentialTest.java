package dev.bpftime.syscallhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The differential: every syscall of a workload, as the hooks reported it (entry and exit), must
 * be what strace saw the kernel run, thread by thread, in order, with the same arguments and
 * results (Differential lists the tolerated differences).
 */
class StraceDifferentialTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "workload_basic, REWRITE", "workload_basic, FALLBACK",
        "workload_threads, REWRITE", "workload_threads, FALLBACK",
        "workload_fork, REWRITE", "workload_fork, FALLBACK",
        "workload_signals, REWRITE", "workload_signals, FALLBACK",
    })
    void sameSyscallsAsTheKernel(String workload, Workloads.Mode mode) throws Exception {
        assumeTrue(Workloads.hasStrace(), "strace is not installed (Debian package strace)");
        java.nio.file.Path dir = Workloads.scratch("sh-strace");
        java.nio.file.Path prefix = dir.resolve("st");
        Workloads.Result r = Workloads.run(workload, mode, Map.of(), prefix);
        Workloads.assertClean(r.run(), workload + " ok\n");
        StraceTrace kernel = new StraceTrace(prefix, ErrnoNames.table());
        /* workload_signals longjmps out of the SIGUSR2 handler that its kill's return ran */
        Set<Long> mayNotReturn = workload.equals("workload_signals") ? Set.of(62L) : Set.of();
        List<String> problems = Differential.compare(r.trace(), kernel, mayNotReturn);
        assertEquals(List.of(), problems, "hooks vs strace for " + workload + " (" + mode + "), logs in " + dir);
    }
}
