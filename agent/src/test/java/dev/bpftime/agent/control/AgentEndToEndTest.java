package dev.bpftime.agent.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bpftime.compat.shim.Run;
import dev.bpftime.compat.shim.ShimHome;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent end to end: a libbpf loader under the shim attaches a uprobe and a uretprobe on the
 * target's target_fn and a syscalls:sys_enter_openat program, which count into an array map and send each hit through
 * a perf buffer and a ring buffer; a target under libbpftime-agent.so makes N calls and N opens of
 * the marker file. The counts in the map and the events libbpf's perf_buffer__poll and
 * ring_buffer__poll delivered must all equal N: every hit ran the program and every event arrived.
 */
@ExtendWith(SessionLogsOnFailure.class)
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
        assertArrayEquals(new long[] {expected, expected, expected, expected, expected, expected, expected}, c,
                "uprobe/openat hits, perf events, ring events, uretprobe hits:\n" + loader.describe());
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
        s.waitInstalled(target, 3);
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
        s.waitInstalled(target, 3);
        s.go();
        assertTargetUnharmed(N, target.finish());
        assertAllCounted(N, loader.finish());
    }

    /**
     * The kernel's attach is in force when the call returns: a loader that kicks a running target (it
     * spins on a shared flag) right after attaching sees every one of its calls (the service answers the attach only once
     * the agent applied it), even when the agent is slow to apply it (50 ms late here, as on a loaded
     * machine). A first loader keeps the service up, so the agent is connected already.
     */
    @Test
    void aTargetKickedRightAfterTheAttachReturnedIsCountedWhole() throws Exception {
        AgentSession s = new AgentSession(home, temp, "kick", false);
        Run.Started keeper = s.startLoader(0, 60_000);
        Run.Started target = s.startTargetWaitingForFlag(N, Map.of("BPFTIME_AGENT_APPLY_DELAY_MS", "50"));
        s.waitInstalled(target, 3);
        Run.Started loader = s.startLoaderKicking(0, 60_000);
        assertTargetUnharmed(N, target.finish());
        loader.process().destroy(); // it prints the map's counts at SIGTERM
        keeper.process().destroy();
        keeper.finish();
        long[] c = AgentSession.counts(loader.finish());
        assertEquals(N, c[0], "uprobe hits");
        assertEquals(N, c[1], "openat hits");
        assertEquals(N, c[6], "uretprobe hits");
    }

    /**
     * A program of about 1 MB of instructions and as much JIT image (agent_big.bpf.o): its message is larger
     * than a socket buffer holds by default, so it reaches the agent in a memfd, and runs at every call.
     */
    @Test
    void aProgramLargerThanASocketBufferReachesTheAgent() throws Exception {
        AgentSession s = new AgentSession(home, temp, "big", false);
        Run.Started loader = s.startLoader("agent_big.bpf.o", N, 60_000);
        Run.Started target = s.startTarget(N, 1, false, true, 0, Map.of());
        s.waitInstalled(target, 3);
        s.go();
        assertTargetUnharmed(N, target.finish());
        assertAllCounted(N, loader.finish());
        assertTrue(s.agentLog().matches("(?s).*a payload of \\d{7} bytes came in a memfd.*"), s.agentLog());
        assertFalse(s.agentLog().contains("interpreting it") || s.agentLog().contains("bad message"),
                "the program arrived whole and runs as its JIT image:\n" + s.agentLog());
    }

    /**
     * 500 maps and ten programs pushed at once (agent_many_maps.bpf.o), far more messages than a socket's
     * queue holds: the service waits for the agent to read, drops nothing, and every map opens, under the
     * usual limit of 1024 descriptors (a map's memfd is closed once mapped; the target checks that no
     * descriptor of the agent's took a number below 512).
     */
    @Test
    void fiveHundredMapsPushedAtOnceAllReachTheAgent() throws Exception {
        AgentSession s = new AgentSession(home, temp, "many-maps", false);
        s.limitTargetDescriptors(1024);
        // started first, so that the maps arrive after main looked at its descriptors
        Run.Started target = s.startTarget(N, 1, false, true, 0, Map.of());
        Thread.sleep(300);
        Run.Started loader = s.startLoader("agent_many_maps.bpf.o", N, 60_000);
        s.waitInstalled(target, 3);
        s.go();
        assertTargetUnharmed(N, target.finish()); // 6: a descriptor of the agent's took a low number
        assertAllCounted(N, loader.finish());
        assertFalse(s.agentLog().matches("(?s).*(cannot open|bad message|unknown|not installed).*"), s.agentLog());
        assertFalse(s.serviceLog().contains("dropping it"), s.serviceLog());
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
        s.waitInstalled(target, 3);
        s.go();
        Thread.sleep(300);
        loader.process().destroy(); // SIGTERM: the loader closes its links and exits
        Run.Result l = loader.finish();
        assertEquals(0, l.code(), l.describe());
        long[] c = AgentSession.counts(l);
        assertTrue(c[0] > 0 && c[0] < 2000, "the loader saw some hits before it left: " + l.out());
        AgentSession.waitFor(() -> s.agentLog().split("pid " + pid + ": attachment \\d+ removed", -1).length > 3,
                "the agent of pid " + pid + " to remove its three attachments");
        AgentSession.waitFor(() -> s.agentLog().matches("(?s).*pid " + pid + ": program \\d+ freed.*")
                && s.agentLog().matches("(?s).*pid " + pid + ": map \\d+ freed.*"),
                "the agent of pid " + pid + " to free the loader's programs and maps");
        assertTargetUnharmed(2000, target.finish());
    }

    @Test
    void theTargetRunsOnWhenTheServiceIsKilled() throws Exception {
        AgentSession s = new AgentSession(home, temp, "service-kill", false);
        Run.Started loader = s.startLoader(0, 60_000);
        Run.Started target = s.startTarget(3000, 2, false, true, 3000, Map.of()); // about 5 s
        long pid = target.process().pid();
        s.waitInstalled(target, 3);
        s.go();
        Thread.sleep(300);
        ProcessHandle service = ShimHome.service(s.runtimeDir).orElseThrow();
        service.destroyForcibly();
        service.onExit().get(10, TimeUnit.SECONDS);
        AgentSession.waitFor(() -> s.agentLog().contains("pid " + pid + ": released"),
                "the agent to see the service go and release what it had");
        // the connection, the maps' and perf buffers' memfds and eventfds are closed; the log and the
        // eventfd that wakes the agent's thread for the application's requests (control_requests.c) stay
        List<String> left = new ArrayList<>();
        int eventfds = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                String to = Files.readSymbolicLink(fd).toString();
                if (to.contains("eventfd") && eventfds++ == 0) {
                    continue;
                }
                if (to.startsWith("socket:") || to.startsWith("/memfd:") || to.contains("eventfd")) {
                    left.add(fd.getFileName() + " -> " + to);
                }
            }
        }
        assertEquals(List.of(), left, "descriptors of the agent left open after the service died");
        assertTargetUnharmed(3000, target.finish());
        loader.process().destroy();
        loader.finish();
    }

    /** bpf_override_return at sys_enter_openat and at a uprobe: the open fails with ENOSPC, the function returns 77. */
    @Test
    void overrideReturnSkipsTheSyscallAndTheFunctionOnBothEngines() throws Exception {
        AgentSession s = new AgentSession(home, temp, "override", false);
        Run.Started loader = s.startLoader("agent_override.bpf.o", 0, 60_000);
        for (Map<String, String> engine : java.util.List.of(Map.<String, String>of(), Map.of("BPFTIME_NO_JIT", "1"))) {
            Run.Started target = s.startTarget(100, 2, true, true, 0, 1, engine);
            s.waitInstalled(target, 2);
            s.go();
            assertTargetUnharmed(200, target.finish()); // exit 0: every open failed with ENOSPC, every call gave 77
            Files.delete(s.work.resolve("go"));
        }
        loader.process().destroy();
        long[] c = AgentSession.counts(loader.finish());
        assertEquals(400, c[0], "uprobe hits");
        assertEquals(400, c[1], "openat hits");
    }

    /** A uprobe with a ref_ctr offset (libbpf's USDT semaphores): the counter is non-zero at every call while attached. */
    @Test
    void aRefCtrSemaphoreIsHeldUpWhileTheUprobeIsAttached() throws Exception {
        AgentSession s = new AgentSession(home, temp, "semaphore", false);
        Run.Started loader = s.startLoaderWithSemaphore(2 * N, 30_000);
        Run.Started target = s.startTarget(N, 2, true, true, 0, 2, Map.of());
        s.waitInstalled(target, 3);
        s.go();
        assertTargetUnharmed(2 * N, target.finish()); // exit 7 if a call saw the semaphore at 0
        assertAllCounted(2 * N, loader.finish());
        Run.Result after = s.startTarget(10, 1, false, false, 0, 2, Map.of()).finish();
        assertEquals(7, after.code(), "with the loader gone the semaphore stays 0: " + after.describe());
    }

    /**
     * A target that becomes nobody as setpriv does (PR_SET_KEEPCAPS, setresuid, capset in its one thread,
     * setresgid, setgroups, the capabilities dropped) once its agent has its probes: glibc's set*id
     * broadcast reaches the agent's thread, which followed each per-thread change, so nothing aborts
     * (it did before), every thread ends with the target's credentials (the target checks), and the
     * probes keep firing in the process as nobody, as the kernel's uprobes (per file, any process) do.
     */
    @Test
    void aTargetBecomingNobodyAsSetprivDoesRunsOnTraced() throws Exception {
        assumeTrue(Run.isRoot(), "needs root: the target changes its user to nobody");
        AgentSession s = new AgentSession(home, temp, "setpriv", false);
        Run.Started loader = s.startLoader(N, 30_000);
        Run.Started target = s.startTarget(N, 2, false, true, 0, 3, Map.of());
        s.waitInstalled(target, 3);
        s.go();
        assertTargetUnharmed(N, target.finish()); // 17: a thread kept other credentials; 134: glibc aborted
        assertAllCounted(N, loader.finish());
    }

    /**
     * A library loaded after the attach (dlopen), unloaded and loaded again: the uprobe and the uretprobe
     * on its target_fn fire from its constructor on at each load, as the kernel's uprobe_mmap inserts them
     * into every mapping of the file before the loader runs the constructors: N calls plus one per load.
     */
    @Test
    void aLibraryLoadedAfterTheAttachIsProbedFromItsConstructorOn() throws Exception {
        assertArrayEquals(dlExpected(), dlopenCounts(false), "bpftime");
    }

    /** The same workload and loader against the kernel count the same. */
    @Test
    void theKernelCountsTheLoadedLibrarysCallsTheSame() throws Exception {
        assumeTrue(Run.isRoot(), "needs root: the kernel side attaches real uprobes");
        assertArrayEquals(dlExpected(), dlopenCounts(true), "kernel");
    }

    private static long[] dlExpected() {
        return new long[] {N + 2, N, N + 2, N, N + 2, N, N + 2};
    }

    private long[] dlopenCounts(boolean kernel) throws Exception {
        AgentSession s = new AgentSession(home, temp, kernel ? "dlopen-kernel" : "dlopen", false);
        Run.Started loader = s.startLoaderOn(s.dlLibrary, N, 30_000, kernel);
        Run.Started target = s.startDlTarget(N, !kernel);
        if (!kernel) {
            s.waitInstalled(target, 1); // the tracepoint; the uprobes wait for the library
        }
        s.go();
        assertTargetUnharmed(N, target.finish());
        Run.Result l = loader.finish();
        assertEquals(0, l.code(), l.describe());
        return AgentSession.counts(l);
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
        // Line-buffered (stdbuf), so that its header, printed once its perf buffers are set up, shows
        // when the workload may go: earlier opens would be lost, as with the kernel.
        Run.Started tool = Run.start(s.work, s.home.env(s.runtimeDir), false, "stdbuf", "-oL", opensnoop.toString());
        s.await(() -> Files.readString(tool.out()).startsWith("PID") || !tool.process().isAlive(),
                "opensnoop's header line (its stderr so far: " + Files.readString(tool.err()) + ")");
        assertTrue(tool.process().isAlive(), "opensnoop ended early: " + Files.readString(tool.err()));
        Run.Started target = s.startTarget(50, 1, false, true, 0, Map.of());
        long pid = target.process().pid();
        s.waitInstalled(target, 4);
        s.go();
        assertTargetUnharmed(50, target.finish());
        // opensnoop stops reading at SIGINT, so it is sent once the lines are there: under load the
        // tool may not have run since the events were written (a fixed pause lost all 50 at load 11).
        s.await(() -> targetsOpens(Files.readString(tool.out()), pid, s) >= 50 || !tool.process().isAlive(),
                "opensnoop to print the target's 50 opens (so far:\n" + Files.readString(tool.out()) + ")");
        new ProcessBuilder("kill", "-INT", Long.toString(tool.process().pid())).start().waitFor();
        Run.Result r = tool.finish();
        assertEquals(0, r.code(), r.describe());
        assertTrue(r.out().startsWith("PID"), r.describe());
        assertEquals(50, targetsOpens(r.out(), pid, s), r.out());
    }

    private static long targetsOpens(String out, long pid, AgentSession s) {
        return AgentSession.lines(out).stream()
                .filter(l -> l.startsWith(pid + " ") && l.contains("agent_target") && l.endsWith(" " + s.marker))
                .count();
    }
}
