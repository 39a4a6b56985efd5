package dev.bpftime.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    final Path dlTarget;
    final Path dlLibrary;
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
        copy(built.resolve("control-test/agent_override.bpf.o"), bin);
        copy(built.resolve("control-test/agent_big.bpf.o"), bin);
        copy(built.resolve("control-test/agent_many_maps.bpf.o"), bin);
        this.dlTarget = copy(built.resolve("control-test/agent_dl_target"), bin);
        this.dlLibrary = copy(built.resolve("control-test/libagent_dl.so"), bin);
        this.work = Files.createDirectories(tempDir.resolve("work-" + name));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
        this.marker = "agentmark-" + Long.toHexString(System.nanoTime() & 0xffffffffL);
        Files.writeString(work.resolve(marker), "x");
        Files.setPosixFilePermissions(work.resolve(marker), PosixFilePermissions.fromString("rw-rw-rw-"));
        SessionLogsOnFailure.opened(this);
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
        return startLoader(object, expected, timeoutMs);
    }

    /** The loader with another object of the same program and map names (agent_override.bpf.o). */
    Run.Started startLoader(String objectName, long expected, long timeoutMs) throws IOException, InterruptedException {
        return startLoader(object.resolveSibling(objectName), expected, timeoutMs);
    }

    private Run.Started startLoader(Path object, long expected, long timeoutMs) throws IOException, InterruptedException {
        return startLoader(object, expected, timeoutMs, List.of());
    }

    /** The loader whose uprobe holds the target's agent_target_semaphore up (a ref_ctr offset, as for USDT). */
    Run.Started startLoaderWithSemaphore(long expected, long timeoutMs) throws IOException, InterruptedException {
        return startLoader(object, expected, timeoutMs, List.of("0x" + Long.toHexString(semaphoreFileOffset())));
    }

    /** The loader that sets {@link #flag()} as soon as its attach calls returned. */
    Run.Started startLoaderKicking(long expected, long timeoutMs) throws IOException, InterruptedException {
        return startLoader(object, expected, timeoutMs, List.of(), Map.of("AGENT_LOADER_KICK", flag().toString()));
    }

    private Run.Started startLoader(Path object, long expected, long timeoutMs, List<String> more)
            throws IOException, InterruptedException {
        return startLoader(object, expected, timeoutMs, more, Map.of());
    }

    private Run.Started startLoader(Path object, long expected, long timeoutMs, List<String> more, Map<String, String> env)
            throws IOException, InterruptedException {
        Map<String, String> all = new HashMap<>(home.env(runtimeDir));
        all.putAll(env);
        return startLoader(object, target, expected, timeoutMs, more, all);
    }

    /**
     * The loader attaching to target_fn of {@code binary} (a library too), under the shim, or against the
     * kernel when {@code kernel} (as root, no shim).
     */
    Run.Started startLoaderOn(Path binary, long expected, long timeoutMs, boolean kernel)
            throws IOException, InterruptedException {
        return startLoader(object, binary, expected, timeoutMs, List.of(), kernel ? Map.of() : home.env(runtimeDir));
    }

    private Run.Started startLoader(Path object, Path binary, long expected, long timeoutMs, List<String> more,
            Map<String, String> all) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of(loader.toString(), object.toString(), binary.toString(),
                marker, Long.toString(expected), Long.toString(timeoutMs)));
        argv.addAll(more);
        Run.Started s = Run.start(work, all, asNobody, argv.toArray(String[]::new));
        waitFor(() -> Files.readString(s.out()).contains("attached\n") || !s.process().isAlive(),
                "the loader to attach");
        assertTrue(s.process().isAlive() || Files.readString(s.out()).contains("attached\n"),
                "the loader ended before attaching: " + Files.readString(s.err()));
        return s;
    }

    /** The target under the agent: calls and opens N in all over THREADS threads (and again in a child with fork). */
    Run.Started startTarget(long n, int threads, boolean fork, boolean waitForGo, long pauseUs, Map<String, String> env)
            throws IOException {
        return startTarget(n, threads, fork, waitForGo, pauseUs, 0, env);
    }

    /** The target spinning on the first byte of {@link #flag()} (a loader's kick) instead of the go file. */
    Run.Started startTargetWaitingForFlag(long n, Map<String, String> env) throws IOException {
        Files.write(flag(), new byte[] {0});
        Files.setPosixFilePermissions(flag(), PosixFilePermissions.fromString("rw-rw-rw-"));
        return startTarget(n, 1, false, "flag=" + flag(), 0, 0, env);
    }

    Path flag() {
        return work.resolve("kick-flag");
    }

    /** {@code mode} 1: the target expects agent_override.bpf.o's errors; 2: the semaphore up at every call. */
    Run.Started startTarget(long n, int threads, boolean fork, boolean waitForGo, long pauseUs, int mode,
            Map<String, String> env) throws IOException {
        return startTarget(n, threads, fork, waitForGo ? "go" : "-", pauseUs, mode, env);
    }

    private Run.Started startTarget(long n, int threads, boolean fork, String go, long pauseUs, int mode,
            Map<String, String> env) throws IOException {
        Map<String, String> all = new HashMap<>(env);
        all.put("BPFTIME_RUNTIME_DIR", runtimeDir.toString());
        all.put("LIBC_FATAL_STDERR_", "1"); // a glibc abort message goes to stderr, which the test shows
        List<String> argv = new java.util.ArrayList<>();
        if (targetDescriptorLimit > 0) {
            argv.addAll(List.of("prlimit", "--nofile=" + targetDescriptorLimit + ":"));
        }
        argv.addAll(List.of("env", "LD_PRELOAD=" + agent, target.toString(), marker, Long.toString(n),
                Integer.toString(threads), fork ? "1" : "0", go, Long.toString(pauseUs), Integer.toString(mode)));
        return Run.start(work, all, asNobody, argv.toArray(String[]::new));
    }

    private int targetDescriptorLimit;

    /** Targets started from now on run with this soft RLIMIT_NOFILE (prlimit), as under a login's usual 1024. */
    void limitTargetDescriptors(int limit) {
        targetDescriptorLimit = limit;
    }

    /** agent_dl_target: loads dlLibrary twice after the go file, N calls and N opens; under the agent or not. */
    Run.Started startDlTarget(long n, boolean underAgent) throws IOException {
        List<String> argv = new java.util.ArrayList<>(List.of("env"));
        if (underAgent) {
            argv.add("LD_PRELOAD=" + agent);
        }
        argv.addAll(List.of(dlTarget.toString(), marker, dlLibrary.toString(), Long.toString(n), "go"));
        return Run.start(work, Map.of("BPFTIME_RUNTIME_DIR", runtimeDir.toString(), "LIBC_FATAL_STDERR_", "1"), asNobody,
                argv.toArray(String[]::new));
    }

    /** The file offset of agent_target_semaphore: its address in the PT_LOAD segment that holds it (readelf). */
    long semaphoreFileOffset() throws IOException, InterruptedException {
        Matcher sym = Pattern.compile("(?m)^\\s*\\d+: ([0-9a-f]+)\\s+2 OBJECT\\s+GLOBAL\\s+DEFAULT\\s+\\d+ agent_target_semaphore$")
                .matcher(readelf("-sW"));
        assertTrue(sym.find(), "agent_target_semaphore is not in the target's symbols");
        long address = Long.parseLong(sym.group(1), 16);
        Matcher load = Pattern.compile("(?m)^\\s*LOAD\\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x[0-9a-f]+ 0x([0-9a-f]+) ")
                .matcher(readelf("-lW"));
        while (load.find()) {
            long offset = Long.parseLong(load.group(1), 16);
            long vaddr = Long.parseLong(load.group(2), 16);
            long fileSize = Long.parseLong(load.group(3), 16);
            if (address >= vaddr && address + 2 <= vaddr + fileSize) {
                return address - vaddr + offset;
            }
        }
        throw new AssertionError("no PT_LOAD segment holds agent_target_semaphore at 0x" + Long.toHexString(address));
    }

    private String readelf(String option) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("readelf", option, target.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "readelf " + option + ": " + out);
        return out;
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
        String agent = agentLog();
        if (agent.length() > 12000) {
            agent = agent.substring(agent.length() - 12000);
        }
        return "\n--- agent.log (end)\n" + agent + "--- service.log (end)\n" + tail;
    }

    String serviceLog() throws IOException {
        Path log = runtimeDir.resolve("service.log");
        return Files.isRegularFile(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
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

    /**
     * The loader's final line, as numbers: uprobe, openat hits; perf uprobe, openat; ring uprobe, openat;
     * uretprobe hits that saw target_fn's return value.
     */
    static long[] counts(Run.Result loader) {
        Matcher m = Pattern.compile("hits uprobe=(\\d+) openat=(\\d+) perf uprobe=(\\d+) openat=(\\d+) ring uprobe=(\\d+) "
                + "openat=(\\d+) uretprobe=(\\d+)").matcher(loader.out());
        assertTrue(m.find(), "the loader printed no counts:\n" + loader.describe());
        long[] c = new long[7];
        for (int i = 0; i < 7; i++) {
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
