package dev.bpftime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Debian's libbpf-tools, run as a user runs them but as nobody (who may not use the kernel's BPF) under
 * LD_PRELOAD=libbpftime-syscall.so from a copy of dist/: each loads and attaches all its programs with no
 * libbpf warning, prints its header, runs until SIGINT and exits 0. (Events arrive once the agent lands.)
 */
class LibbpfToolsShimTest {

    /** Load and attach take about a second on a quiet machine (the service's cold start), many under load. */
    private static final long READY_MS = 90_000;
    /** How long it must keep running in its main loop. */
    private static final long HOLD_MS = 1_500;

    @RegisterExtension
    final DistHome dist = new DistHome();

    @ParameterizedTest(name = "{0}")
    @CsvSource({"opensnoop, PID    COMM              FD ERR PATH", "bashreadline, TIME      PID     COMMAND",
        "syscount, 'Tracing syscalls, printing top 10... Ctrl+C to quit.'"})
    void loadsAttachesAndStopsCleanlyAsNobody(String tool, String header) throws Exception {
        runsUntilInterrupted(tool, List.of(), header);
    }

    /**
     * funclatency as it is usually run: on a library function of one process (libc's malloc in a
     * sleep of nobody's; nobody may only read the maps of its own processes), which is a uprobe and a
     * uretprobe through the uprobe PMU.
     */
    @Test
    void funclatencyOnLibcMallocOfAProcessLoadsAttachesAndStopsCleanlyAsNobody() throws Exception {
        Unprivileged.assumeAvailable();
        Process target = new ProcessBuilder("setpriv", "--reuid=" + Unprivileged.USER, "--regid="
                + Unprivileged.GROUP, "--clear-groups", "sleep", "60").start();
        try {
            String pid = Long.toString(target.pid());
            // setpriv execs sleep in place: the pid is sleep's once its maps show libc
            long deadline = System.currentTimeMillis() + 5_000;
            while (!Files.readString(Path.of("/proc", pid, "maps")).contains("libc")
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            runsUntilInterrupted("funclatency", List.of("-p", pid, "c:malloc"), "Tracing c:malloc.  Hit Ctrl-C to exit");
        } finally {
            target.destroyForcibly();
        }
    }

    private void runsUntilInterrupted(String tool, List<String> args, String header) throws Exception {
        Unprivileged.assumeAvailable();
        Path binary = Path.of("/usr/sbin", tool);
        assumeTrue(Files.isExecutable(binary), "needs " + binary + " (Debian package libbpf-tools)");
        Path runtime = dist.nobodysRuntimeDir();

        List<String> kernelArgv = new ArrayList<>(List.of("timeout", "-s", "INT", "5", binary.toString()));
        kernelArgv.addAll(args);
        Command.Result kernel = Unprivileged.command(dist.temp(), kernelArgv.toArray(String[]::new)).run();
        assertNotEquals(0, kernel.code(), "nobody must not be able to run it on the kernel here: " + kernel.describe());

        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + Unprivileged.USER,
                "--regid=" + Unprivileged.GROUP, "--clear-groups", "stdbuf", "-oL", binary.toString()));
        argv.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dist.temp().toFile());
        pb.environment().put("HOME", dist.temp().toString());
        dist.underShim(pb.environment(), runtime);
        Path out = dist.temp().resolve(tool + ".out");
        Path err = dist.temp().resolve(tool + ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            // It prints its header once loaded and attached (stdout line-buffered by stdbuf, which it
            // would not be into a file): from then on it must keep running until interrupted.
            long waitedMs = waitForHeader(p, out, header);
            p.waitFor(HOLD_MS, TimeUnit.MILLISECONDS);
            String describe = tool + "\n--- stdout\n" + Files.readString(out) + "--- stderr\n" + Files.readString(err);
            assertTrue(p.isAlive(), "it must still run " + HOLD_MS + " ms after printing its header (after "
                    + waitedMs + " ms): " + describe);
            Runtime.getRuntime().exec(new String[] {"kill", "-INT", Long.toString(p.pid())}).waitFor();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "did not stop on SIGINT: " + describe);
            String finalDescribe = tool + " exited " + p.exitValue() + "\n--- stdout\n" + Files.readString(out)
                    + "--- stderr\n" + Files.readString(err, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), finalDescribe);
            assertTrue(Files.readString(out).startsWith(header), finalDescribe);
            assertEquals("", Files.readString(err), "libbpf printed warnings or errors: " + finalDescribe);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Milliseconds until the tool printed its header line (or exited, or READY_MS passed). */
    private static long waitForHeader(Process p, Path out, String header) throws IOException, InterruptedException {
        long start = System.currentTimeMillis();
        while (System.currentTimeMillis() - start < READY_MS && p.isAlive()
                && !Files.readString(out).startsWith(header + "\n")) {
            Thread.sleep(50);
        }
        return System.currentTimeMillis() - start;
    }
}
