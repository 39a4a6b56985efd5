package dev.bpftime.test.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The traced process is never harmed: threads_gated (8 threads calling gated_work, which makes a
 * getppid) under a uprobe + uretprobe (funclatency :gated_work) gets every result right and exits 0
 * when 8 threads hit the probes at once (and every hit is counted, as on the kernel), when the service
 * is killed with SIGKILL mid-run, and when the loader is stopped mid-run. setpriv, which changes its
 * capabilities thread by thread before glibc's set*id broadcast, runs under the agent as without it.
 */
class RobustnessE2eTest {

    private static final int THREADS = 8;
    private static final String FUNCTION = ":gated_work";
    /** Per thread, so that the work lasts long enough (about a second) to be interrupted. */
    private static final int LONG_RUN = 400_000;

    @TempDir
    private Path tmp;

    @Test
    void eightThreadsMakingProbedCallsAreAllCounted() throws Exception {
        int n = 5_000;
        try (E2e e2e = E2e.open(tmp, FunclatencyE2eTest.FUNCLATENCY)) {
            String[] args = {Integer.toString(THREADS), Integer.toString(n)};
            assertEquals(THREADS * n, FunclatencyE2eTest.run(e2e, Side.KERNEL, "threads_gated", FUNCTION, args),
                    "kernel");
            assertEquals(THREADS * n, FunclatencyE2eTest.run(e2e, Side.BPFTIME, "threads_gated", FUNCTION, args),
                    "bpftime");
        }
    }

    @Test
    void theWorkloadRunsOnWhenTheServiceIsKilled() throws Exception {
        try (E2e e2e = E2e.open(tmp, FunclatencyE2eTest.FUNCLATENCY)) {
            midRun(e2e, (tool) -> {
                long service = e2e.servicePid();
                assertTrue(service > 0, "no service pid in " + e2e.runtimeDir());
                assertTrue(ProcessHandle.of(service).map(ProcessHandle::destroyForcibly).orElse(false),
                        "kill -9 the service " + service);
            });
        }
    }

    @Test
    void theWorkloadRunsOnWhenTheLoaderExitsMidRun() throws Exception {
        try (E2e e2e = E2e.open(tmp, FunclatencyE2eTest.FUNCLATENCY)) {
            midRun(e2e, E2e::interrupt);
        }
    }

    /**
     * {@code bpftime start -- setpriv --reuid=nobody --regid=nogroup --clear-groups id} prints what it
     * prints without the agent and exits 0 (glibc aborted it when the agent's thread could not follow
     * its per-thread capability changes).
     */
    @Test
    void setprivUnderTheAgentRunsAsWithoutIt() throws Exception {
        try (E2e e2e = E2e.open(tmp)) {
            e2e.assumeAgent();
            List<String> setpriv = E2e.asNobody();
            setpriv.add("id");
            Running plain = e2e.start("setpriv-id", setpriv);
            assertEquals(0, plain.awaitExit(E2e.START), plain.describe());
            List<String> traced = new java.util.ArrayList<>(List.of(e2e.home().resolve("bin/bpftime").toString(),
                    "start", "--runtime-dir", e2e.runtimeDir().toString(), "--"));
            traced.addAll(setpriv);
            Running agent = e2e.start("setpriv-id@bpftime", traced);
            assertEquals(0, agent.awaitExit(E2e.START), agent.describe());
            assertTrue(plain.out().startsWith("uid=65534"), plain.describe());
            assertEquals(plain.out(), agent.out(), "the same output as without the agent");
            assertEquals("", agent.err(), "nothing of ours on its stderr");
        }
    }

    /**
     * A workload that {@code bpftime start} runs through setpriv (root drops to nobody, then execs it): its
     * agent connects to nobody's service and funclatency as nobody counts every call, as the kernel does.
     */
    @Test
    void aWorkloadLaunchedThroughSetprivUnderTheAgentIsCountedWhole() throws Exception {
        int n = 2_000;
        try (E2e e2e = E2e.open(tmp, FunclatencyE2eTest.FUNCLATENCY);
                Running workload = e2e.workloadThroughSetpriv("threads_gated", Integer.toString(THREADS),
                        Integer.toString(n));
                Running tool = e2e.tool(Side.BPFTIME, FunclatencyE2eTest.FUNCLATENCY, "-p",
                        Long.toString(workload.pid()), FUNCTION)) {
            e2e.toolReady(Side.BPFTIME, tool, "Tracing " + FUNCTION + "\\.\\s+Hit Ctrl-C to exit", workload.pid());
            E2e.go(workload);
            E2e.interrupt(tool);
            E2e.finish(workload);
            assertEquals(THREADS * n, FunclatencyE2eTest.histogramCount(tool), tool.describe());
            assertEquals("", workload.err(), "nothing of ours on the workload's stderr");
        }
    }

    private interface Disruption {
        void apply(Running tool) throws Exception;
    }

    private static void midRun(E2e e2e, Disruption disruption) throws Exception {
        try (Running workload = e2e.workload(Side.BPFTIME, "threads_gated", Integer.toString(THREADS),
                Integer.toString(LONG_RUN));
                Running tool = e2e.tool(Side.BPFTIME, FunclatencyE2eTest.FUNCLATENCY, "-p",
                        Long.toString(workload.pid()), FUNCTION)) {
            e2e.toolReady(Side.BPFTIME, tool, "Tracing " + FUNCTION + "\\.\\s+Hit Ctrl-C to exit", workload.pid());
            workload.signal("USR1");
            Thread.sleep(200);
            assertFalse(workload.out().contains("done"), "the work ended before the disruption: raise LONG_RUN\n"
                    + workload.describe());
            disruption.apply(tool);
            workload.awaitLine("done", E2e.WORK);
            assertEquals(List.of("calls " + THREADS * LONG_RUN, "wrong 0"), workload.outLines().subList(1, 3),
                    workload.describe());
            E2e.finish(workload);
            assertEquals("", workload.err(), "nothing of ours on the workload's stderr");
        }
    }
}
