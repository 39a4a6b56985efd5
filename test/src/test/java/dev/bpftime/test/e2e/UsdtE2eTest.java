package dev.bpftime.test.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small libbpf USDT tracer (fixtures/src/e2e/usdt_trace.c, bpf_program__attach_usdt) on usdt_gated's
 * probes: e2e:plain (no semaphore) and e2e:guarded (a semaphore the attachment must raise, or the
 * workload never reaches the probe). Hits and argument sums equal the kernel's and the workload's own count.
 */
class UsdtE2eTest {

    private static final int N = 500;

    @TempDir
    private Path tmp;

    @Test
    void plainAndSemaphoreGuardedProbesFireAsOnTheKernel() throws Exception {
        try (E2e e2e = E2e.open(tmp)) {
            long valueSum = (long) N * (N - 1) / 2;
            List<String> expected = List.of("plain " + N + " " + 3 * valueSum, "guarded " + N + " " + 5 * valueSum);
            assertEquals(expected, run(e2e, Side.KERNEL), "kernel");
            assertEquals(expected, run(e2e, Side.BPFTIME), "bpftime");
        }
    }

    private static List<String> run(E2e e2e, Side side) throws Exception {
        Path binary = e2e.workloadBinary("usdt_gated");
        try (Running workload = e2e.workload(side, "usdt_gated", Integer.toString(N));
                Running tool = e2e.tool(side, e2e.e2eFile("usdt_trace").toString(),
                        e2e.e2eFile("usdt_count.bpf.o").toString(), Long.toString(workload.pid()), binary.toString())) {
            e2e.toolReady(side, tool, "attached", workload.pid());
            E2e.go(workload);
            // The workload saw the semaphore raised each time: the attachment holds it up.
            assertEquals(List.of("plain " + N, "guarded " + N), workload.outLines().subList(1, 3), workload.describe());
            E2e.interrupt(tool);
            E2e.finish(workload);
            return tool.outLines().subList(1, tool.outLines().size());
        }
    }
}
