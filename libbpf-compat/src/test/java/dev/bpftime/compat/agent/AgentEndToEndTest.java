package dev.bpftime.compat.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bpftime.compat.shim.Run;
import dev.bpftime.compat.shim.ShimHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent end to end: a libbpf loader under the shim attaches a uprobe on the target's target_fn
 * and a syscalls:sys_enter_openat program, which count into an array map and send each hit through
 * a perf buffer and a ring buffer; a target under libbpftime-agent.so makes N calls and N opens of
 * the marker file. The counts in the map and the events libbpf's perf_buffer__poll and
 * ring_buffer__poll delivered must all equal N: every hit ran the program and every event arrived.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentEndToEndTest {

    private static final long N = 1000;

    @TempDir
    static Path temp;
    private ShimHome home;

    @BeforeAll
    void setUp() throws IOException {
        Path loader = Path.of(System.getProperty("bpftime.root"), "agent/target/native/control-test/agent_loader");
        assumeTrue(Files.isRegularFile(loader), "the libbpf loader is built only where libbpf-dev is installed");
        home = new ShimHome(temp); // it opens temp to every user, for the runs as nobody
    }

    @AfterAll
    void tearDown() {
        if (home != null) {
            home.close();
        }
    }

    private static void assertAllCounted(long expected, Run.Result loader) {
        assertEquals(0, loader.code(), loader.describe());
        long[] c = AgentSession.counts(loader);
        assertArrayEquals(new long[] {expected, expected, expected, expected, expected, expected}, c,
                "uprobe/openat hits, perf events, ring events:\n" + loader.describe());
    }

    private static void assertTargetUnharmed(long calls, Run.Result target) {
        assertEquals(0, target.code(), target.describe());
        assertEquals("done " + calls + "\n", target.out(), "the target's stdout holds only its own line");
        assertEquals("", target.err(), "nothing of the agent's on the target's stderr");
    }

    private void loaderThenTarget(AgentSession s, long n, int threads, boolean fork, Map<String, String> env)
            throws Exception {
        long expected = fork ? 2 * n : n;
        Run.Started loader = s.startLoader(expected, 30_000);
        Run.Started target = s.startTarget(n, threads, fork, true, 0, env);
        s.waitInstalled(target, 2);
        s.go();
        assertTargetUnharmed(expected, target.finish());
        assertAllCounted(expected, loader.finish());
    }

    @Test
    void targetStartedAfterTheLoaderGetsItsProbesBeforeMain() throws Exception {
        loaderThenTarget(new AgentSession(home, temp, "after", false), N, 1, false, Map.of());
    }

    @Test
    void targetStartedBeforeTheLoaderGetsThemLive() throws Exception {
        AgentSession s = new AgentSession(home, temp, "before", false);
        Run.Started target = s.startTarget(N, 1, false, true, 0, Map.of());
        Thread.sleep(300); // the agent is waiting for a service that does not exist yet
        Run.Started loader = s.startLoader(N, 30_000);
        s.waitInstalled(target, 2);
        s.go();
        assertTargetUnharmed(N, target.finish());
        assertAllCounted(N, loader.finish());
    }

    @Test
    void eightThreadsAndAForkedChildAreAllTraced() throws Exception {
        loaderThenTarget(new AgentSession(home, temp, "threads", false), 800, 8, true, Map.of());
    }

    @Test
    void theInterpreterRunsTheProgramsWithNoJit() throws Exception {
        AgentSession s = new AgentSession(home, temp, "interp", false);
        loaderThenTarget(s, N, 1, false, Map.of("BPFTIME_NO_JIT", "1"));
        assertTrue(s.agentLog().contains("BPFTIME_NO_JIT=1: interpreting it"), s.agentLog());
    }

    @Test
    void theTargetRunsOnWhenTheLoaderExitsMidRun() throws Exception {
        AgentSession s = new AgentSession(home, temp, "loader-exit", false);
        Run.Started loader = s.startLoader(0, 60_000);
        Run.Started target = s.startTarget(2000, 1, false, true, 1000, Map.of());
        long pid = target.process().pid();
        s.waitInstalled(target, 2);
        s.go();
        Thread.sleep(300);
        loader.process().destroy(); // SIGTERM: the loader closes its links and exits
        Run.Result l = loader.finish();
        assertEquals(0, l.code(), l.describe());
        long[] c = AgentSession.counts(l);
        assertTrue(c[0] > 0 && c[0] < 2000, "the loader saw some hits before it left: " + l.out());
        AgentSession.waitFor(() -> s.agentLog().split("pid " + pid + ": attachment \\d+ removed", -1).length > 2,
                "the agent of pid " + pid + " to remove both attachments");
        assertTargetUnharmed(2000, target.finish());
    }

    @Test
    void theTargetRunsOnWhenTheServiceIsKilled() throws Exception {
        AgentSession s = new AgentSession(home, temp, "service-kill", false);
        Run.Started loader = s.startLoader(0, 60_000);
        Run.Started target = s.startTarget(2000, 2, false, true, 1000, Map.of());
        long pid = target.process().pid();
        s.waitInstalled(target, 2);
        s.go();
        Thread.sleep(300);
        ProcessHandle service = ShimHome.service(s.runtimeDir).orElseThrow();
        service.destroyForcibly();
        service.onExit().get(10, TimeUnit.SECONDS);
        AgentSession.waitFor(() -> s.agentLog().contains("pid " + pid + ": the service went away"),
                "the agent to see the service go");
        assertTargetUnharmed(2000, target.finish());
        loader.process().destroy();
        loader.finish();
    }

    @Test
    void asNobody() throws Exception {
        Run.assumeNobodyAvailable();
        loaderThenTarget(new AgentSession(home, temp, "nobody", true), N, 2, false, Map.of());
    }

    /** Debian's opensnoop (libbpf-tools), unmodified, under the shim prints the opens of a target under the agent. */
    @Test
    void debianOpensnoopPrintsTheTargetsOpens() throws Exception {
        Path opensnoop = Path.of("/usr/sbin/opensnoop");
        assumeTrue(Files.isExecutable(opensnoop), "needs Debian's libbpf-tools (/usr/sbin/opensnoop)");
        AgentSession s = new AgentSession(home, temp, "opensnoop", false);
        Run.Started tool = Run.start(s.work, s.home.env(s.runtimeDir), false, opensnoop.toString());
        Run.Started target = s.startTarget(50, 1, false, true, 0, Map.of());
        long pid = target.process().pid();
        // its stdout is a file, so fully buffered: the header shows only at exit; the agent's log
        // says when the four tracepoints (open and openat, enter and exit) are in place
        s.waitInstalled(target, 4);
        s.go();
        assertTargetUnharmed(50, target.finish());
        Thread.sleep(500); // the last events reach the perf buffer before opensnoop is stopped
        new ProcessBuilder("kill", "-INT", Long.toString(tool.process().pid())).start().waitFor();
        Run.Result r = tool.finish();
        assertEquals(0, r.code(), r.describe());
        long lines = AgentSession.lines(r.out()).stream()
                .filter(l -> l.startsWith(pid + " ") && l.contains("agent_target") && l.endsWith(" " + s.marker))
                .count();
        assertTrue(r.out().startsWith("PID"), r.describe());
        assertEquals(50, lines, r.out());
    }
}
