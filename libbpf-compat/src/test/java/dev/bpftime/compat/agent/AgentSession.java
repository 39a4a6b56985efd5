package dev.bpftime.compat.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpftime.compat.shim.Run;
import dev.bpftime.compat.shim.ShimHome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One end-to-end scenario: a runtime directory of its own, a work directory every user may write
 * (the marker file, the go file), the agent and its test programs copied where nobody can read
 * them. The loader runs under the shim (its service started by the shim's autostart), the target
 * under the agent.
 */
final class AgentSession {

    static final long WAIT_MS = 60_000;

    final ShimHome home;
    final Path runtimeDir;
    final Path work;
    final Path agent;
    final Path target;
    final Path loader;
    final Path object;
    final String marker;
    final boolean asNobody;

    AgentSession(ShimHome home, Path tempDir, String name, boolean asNobody) throws IOException, InterruptedException {
        this.home = home;
        this.asNobody = asNobody;
        this.runtimeDir = home.newRuntimeDir(name);
        Path built = Path.of(System.getProperty("bpftime.root"), "agent", "target", "native");
        Path bin = Files.createDirectories(tempDir.resolve("agent-bin"));
        this.agent = copy(built.resolve("libbpftime-agent.so"), bin);
        this.target = copy(built.resolve("control-test/agent_target"), bin);
        this.loader = copy(built.resolve("control-test/agent_loader"), bin);
        this.object = copy(built.resolve("control-test/agent_probes.bpf.o"), bin);
        this.work = Files.createDirectories(tempDir.resolve("work-" + name));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
        this.marker = "agentmark-" + Long.toHexString(System.nanoTime() & 0xffffffffL);
        Files.writeString(work.resolve(marker), "x");
        Files.setPosixFilePermissions(work.resolve(marker), PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    private static Path copy(Path from, Path dir) throws IOException {
        assertTrue(Files.isRegularFile(from), "not built: " + from + " (build the agent module with Maven)");
        Path to = dir.resolve(from.getFileName());
        if (!Files.exists(to)) {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return to;
    }

    /** The loader under the shim, waiting for {@code expected} events of each kind (0: until SIGTERM). */
    Run.Started startLoader(long expected, long timeoutMs) throws IOException, InterruptedException {
        Run.Started s = Run.start(work, home.env(runtimeDir), asNobody, loader.toString(), object.toString(),
                target.toString(), marker, Long.toString(expected), Long.toString(timeoutMs));
        waitFor(() -> Files.readString(s.out()).contains("attached\n") || !s.process().isAlive(),
                "the loader to attach");
        assertTrue(s.process().isAlive() || Files.readString(s.out()).contains("attached\n"),
                "the loader ended before attaching: " + Files.readString(s.err()));
        return s;
    }

    /** The target under the agent: calls and opens N in all over THREADS threads (and again in a child with fork). */
    Run.Started startTarget(long n, int threads, boolean fork, boolean waitForGo, long pauseUs, Map<String, String> env)
            throws IOException {
        Map<String, String> all = new HashMap<>(env);
        all.put("BPFTIME_RUNTIME_DIR", runtimeDir.toString());
        all.put("LIBC_FATAL_STDERR_", "1"); // a glibc abort message goes to stderr, which the test shows
        // The preload starts after setpriv: setpriv drops its capabilities thread by thread, which
        // glibc's setxid broadcast cannot do in the agent's thread (agent/README.md, "Not done yet").
        return Run.start(work, all, asNobody, "env", "LD_PRELOAD=" + agent, target.toString(), marker,
                Long.toString(n), Integer.toString(threads), fork ? "1" : "0", waitForGo ? "go" : "-",
                Long.toString(pauseUs));
    }

    void go() throws IOException {
        Files.writeString(work.resolve("go"), "");
    }

    String logs() throws IOException {
        Path service = runtimeDir.resolve("service.log");
        String tail = Files.isRegularFile(service) ? Files.readString(service) : "(no service.log)";
        if (tail.length() > 4000) {
            tail = tail.substring(tail.length() - 4000);
        }
        return "\n--- agent.log\n" + agentLog() + "--- service.log (end)\n" + tail;
    }

    String agentLog() throws IOException {
        Path log = runtimeDir.resolve("agent.log");
        return Files.isRegularFile(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Waits until the agent of {@code target} installed {@code count} attachments. */
    void waitInstalled(Run.Started target, int count) throws IOException, InterruptedException {
        long pid = target.process().pid();
        Pattern p = Pattern.compile("pid " + pid + ": attachment \\d+ of program \\d+ installed");
        await(() -> {
            if (!target.process().isAlive()) {
                return true;
            }
            Matcher m = p.matcher(agentLog());
            int n = 0;
            while (m.find()) {
                n++;
            }
            return n >= count;
        }, "the agent of pid " + pid + " to install " + count + " attachments (the target's stderr so far: "
                + Files.readString(target.err()) + ")");
        if (!target.process().isAlive()) {
            fail("the target ended early: " + target.finish().describe() + logs());
        }
    }

    /** The loader's final line, as numbers: uprobe, openat hits; perf uprobe, openat; ring uprobe, openat. */
    static long[] counts(Run.Result loader) {
        Matcher m = Pattern.compile("hits uprobe=(\\d+) openat=(\\d+) perf uprobe=(\\d+) openat=(\\d+) ring uprobe=(\\d+) "
                + "openat=(\\d+)").matcher(loader.out());
        assertTrue(m.find(), "the loader printed no counts:\n" + loader.describe());
        long[] c = new long[6];
        for (int i = 0; i < 6; i++) {
            c[i] = Long.parseLong(m.group(i + 1));
        }
        return c;
    }

    interface Condition {
        boolean holds() throws IOException;
    }

    static void waitFor(Condition c, String what) throws IOException, InterruptedException {
        waitFor(c, what, null);
    }

    /** Waits, and on time-out fails with the agent's and the service's logs of this session. */
    void await(Condition c, String what) throws IOException, InterruptedException {
        waitFor(c, what, this);
    }

    private static void waitFor(Condition c, String what, AgentSession logs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!c.holds()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out waiting for " + what + (logs == null ? "" : logs.logs()));
            }
            Thread.sleep(20);
        }
    }

    static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }
}
