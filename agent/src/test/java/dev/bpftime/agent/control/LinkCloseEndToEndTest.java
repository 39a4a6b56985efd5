package dev.bpftime.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bpftime.compat.shim.Run;
import dev.bpftime.compat.shim.ShimHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * close() of a link or perf event detaches before it returns, as the kernel's: the C cases' group
 * {@code close} (syscall-shim/src/test/c/cases_close.c) uprobes a function of its own binary, counts
 * the hits in a map and calls it again right after closing the last descriptor (close, dup2, dup3,
 * close_range), after closing one of two dups and after a forked child kept a copy. Under the shim it
 * runs with the agent preloaded too, and the agent applies every change 50 ms late (as on a loaded
 * machine), so a detach noticed only later would count hits; the transcript must equal the kernel's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LinkCloseEndToEndTest {

    @TempDir
    static Path temp;
    private ShimHome home;
    private Path agent;

    @BeforeAll
    void setUp() throws Exception {
        home = new ShimHome(temp);
        agent = Path.of(System.getProperty("bpftime.root"), "agent", "target", "native", "libbpftime-agent.so");
        assumeTrue(Files.isRegularFile(agent), "not built: " + agent + " (build the agent module with Maven)");
    }

    @AfterAll
    void tearDown() {
        if (home != null) {
            home.close();
        }
    }

    private Run.Result underShimAndAgent(Path runtimeDir) throws Exception {
        // A service already up, so the agent connects (and gets its state) before main.
        Run.Result up = Run.run(temp, home.env(runtimeDir), false, home.program("bpf_cases").toString(), "one");
        assertEquals("one.load: ok 3\n", up.out(), up.describe());
        Map<String, String> env = new HashMap<>(home.env(runtimeDir));
        env.put("LD_PRELOAD", home.library() + " " + agent);
        env.put("BPFTIME_AGENT_APPLY_DELAY_MS", "50");
        return Run.run(temp, env, false, home.program("bpf_cases").toString(), "close");
    }

    @Test
    void aClosedLinkOrPerfEventCountsNoHitOnceCloseReturned() throws Exception {
        Path runtimeDir = home.newRuntimeDir("close");
        Run.Result shim = underShimAndAgent(runtimeDir);
        assertEquals(0, shim.code(), shim.describe() + agentLog(runtimeDir));
        assertEquals("", shim.err(), "the shim and the agent print nothing of their own:\n" + shim.describe());
    }

    @Test
    void theTranscriptIsTheKernels() throws Exception {
        assumeTrue(Run.isRoot(), "the kernel oracle needs root (bpf() is privileged here)");
        Run.Result kernel = Run.run(temp, Map.of(), false, home.program("bpf_cases").toString(), "close");
        assumeTrue(!kernel.out().contains("close.loaded: 0"), "kernel BPF is not usable here:\n" + kernel.describe());
        assertEquals(0, kernel.code(), "the cases' expectations do not hold on this kernel:\n" + kernel.describe());
        Run.Result shim = underShimAndAgent(home.newRuntimeDir("close-vs-kernel"));
        assertEquals(kernel.out(), shim.out(), shim.describe());
    }

    private static String agentLog(Path runtimeDir) throws java.io.IOException {
        Path log = runtimeDir.resolve("agent.log");
        return "\n--- agent.log\n" + (Files.isRegularFile(log) ? Files.readString(log) : "(none)");
    }
}
