package dev.bpftime.test.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bpftime.fixtures.Fixtures;
import dev.bpftime.test.Dist;
import dev.bpftime.test.Unprivileged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One end-to-end test's world, made in a fresh folder: a copy of dist/ and of the fixtures any user can
 * read, a runtime folder of nobody's own (so the test has a service of its own), and the processes it
 * started, all ended by {@link #close()}.
 *
 * <p>A workload ({@link #workload}) is gated (fixtures/src/workloads/gate.h): it prints "ready PID" and
 * waits for {@link #go}; then works, prints "done" and waits for {@link #finish}. A tool ({@link #tool})
 * is started on that pid between the two, and is stopped with SIGINT before {@link #finish}.
 */
final class E2e implements AutoCloseable {

    static final Duration START = Duration.ofSeconds(30);
    static final Duration WORK = Duration.ofSeconds(60);
    static final String STDBUF = "stdbuf";

    private final Path root;
    private final Path home;
    private final Path fixtures;
    private final Path runtime;
    private final List<Running> started = new ArrayList<>();
    private int count;

    private E2e(Path root) throws IOException {
        this.root = root;
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        home = root.resolve("bpftime");
        Dist.copyTree(Dist.folder(), home);
        fixtures = Files.createDirectory(root.resolve("fixtures"));
        runtime = Files.createDirectory(root.resolve("run"));
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
        Files.setOwner(runtime, runtime.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(Unprivileged.USER));
    }

    /**
     * A world in {@code root}. Skips (with the reason) where these tests cannot run: not root (the
     * kernel side, switching to nobody), no setpriv, no stdbuf, or the tool not installed.
     */
    static E2e open(Path root, String... tools) throws IOException, InterruptedException {
        Unprivileged.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin", STDBUF)), "needs /usr/bin/stdbuf (Debian package coreutils)");
        for (String tool : tools) {
            assumeTrue(Files.isExecutable(Path.of(tool)), "needs " + tool + " (Debian package libbpf-tools)");
        }
        return new E2e(root);
    }

    /** Skips the bpftime side, with the reason, while dist/ has no agent (module agent has not built it). */
    void assumeAgent() {
        assumeTrue(Files.isRegularFile(home.resolve("lib/libbpftime-agent.so")),
                "dist/lib/libbpftime-agent.so is not built yet: the bpftime side needs the agent");
    }

    Path home() {
        return home;
    }

    Path root() {
        return root;
    }

    Path runtimeDir() {
        return runtime;
    }

    /** A folder of this world that nobody may write to. */
    Path nobodysFolder(String name) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(Unprivileged.USER));
        return dir;
    }

    /** A copy of the workload fixtures/target/workloads/NAME that any user can run. */
    Path workloadBinary(String name) throws IOException {
        return copyFixture(Fixtures.workload(name));
    }

    /** A copy of fixtures/target/e2e/FILE that any user can read (and run, for a loader). */
    Path e2eFile(String file) throws IOException {
        return copyFixture(Fixtures.e2e(file));
    }

    private Path copyFixture(Path source) throws IOException {
        Path copy = fixtures.resolve(source.getFileName().toString());
        if (!Files.exists(copy)) {
            Files.copy(source, copy, StandardCopyOption.COPY_ATTRIBUTES);
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return copy;
    }

    /**
     * Starts the gated workload NAME as nobody, under {@code bpftime start} on the BPFTIME side, and
     * waits for its "ready PID". Checks that PID is the process started: bpftime start execs in place.
     */
    Running workload(Side side, String name, String... args) throws IOException {
        List<String> argv = asNobody();
        if (side == Side.BPFTIME) {
            assumeAgent();
            argv.addAll(List.of(home.resolve("bin/bpftime").toString(), "start", "--runtime-dir", runtime.toString(),
                    "--"));
        }
        argv.add(workloadBinary(name).toString());
        argv.addAll(List.of(args));
        Running w = start(name + "@" + side, argv);
        Matcher ready = w.awaitLine("ready (\\d+)", START);
        assertEquals(w.pid(), Long.parseLong(ready.group(1)), "the workload must be the process started"
                + " (exec'd in place)\n" + w.describe());
        return w;
    }

    /**
     * Starts the gated workload NAME the other way round: {@code bpftime start} as root runs setpriv, which
     * becomes nobody thread by thread and execs the workload (the agent is in setpriv's process too, and the
     * workload's agent connects to nobody's service). Waits for its "ready PID", checking it is the process
     * started (both exec in place).
     */
    Running workloadThroughSetpriv(String name, String... args) throws IOException {
        assumeAgent();
        List<String> argv = new ArrayList<>(List.of(home.resolve("bin/bpftime").toString(), "start", "--runtime-dir",
                runtime.toString(), "--"));
        argv.addAll(asNobody());
        argv.add(workloadBinary(name).toString());
        argv.addAll(List.of(args));
        Running w = start(name + "@setpriv-under-bpftime", argv);
        Matcher ready = w.awaitLine("ready (\\d+)", START);
        assertEquals(w.pid(), Long.parseLong(ready.group(1)), "the workload must be the process started"
                + " (exec'd in place)\n" + w.describe());
        return w;
    }

    /**
     * Starts a tool (a libbpf loader) with line-buffered stdout: as root on the KERNEL side; as nobody
     * under {@code bpftime load} on the BPFTIME side. Returns at once; wait for its ready line.
     */
    Running tool(Side side, String... command) throws IOException {
        List<String> argv = new ArrayList<>();
        if (side == Side.BPFTIME) {
            assumeAgent();
            argv.addAll(asNobody());
        }
        argv.addAll(List.of(STDBUF, "-oL"));
        if (side == Side.BPFTIME) {
            argv.addAll(List.of(home.resolve("bin/bpftime").toString(), "load", "--runtime-dir", runtime.toString(),
                    "--idle-exit", "5", "--"));
        }
        argv.addAll(List.of(command));
        return start(Path.of(command[0]).getFileName() + "@" + side, argv);
    }

    /** Starts any command with stdout and stderr to files of this world, stdin empty. */
    Running start(String name, List<String> argv) throws IOException {
        return start(name, argv, false);
    }

    /** As {@link #start(String, List)}; with {@code typed}, stdin is a pipe: {@code process().getOutputStream()}. */
    Running start(String name, List<String> argv, boolean typed) throws IOException {
        int n = ++count;
        Path out = root.resolve(n + "-" + name.replaceAll("[^A-Za-z0-9@._-]", "_") + ".out");
        Path err = root.resolve(n + "-" + name.replaceAll("[^A-Za-z0-9@._-]", "_") + ".err");
        ProcessBuilder pb = new ProcessBuilder(argv).directory(root.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(typed ? ProcessBuilder.Redirect.PIPE
                        : ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("HOME", root.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("LD_PRELOAD");
        pb.environment().remove("BPFTIME_RUNTIME_DIR");
        Running r = new Running(name, argv, pb.start(), out, err);
        started.add(r);
        return r;
    }

    /**
     * Waits for the tool's line saying it attached. On the BPFTIME side, also for the workload's agent to
     * have installed what the tool attached: attachments reach a running process asynchronously (its agent
     * looks for a service every 100 ms, and applies what the service pushes on its own thread), whereas
     * the kernel's attach is in force when the call returns. The agent logs "pid P: attachment N of program
     * M installed" to <runtime dir>/agent.log; the service pushes every attachment before it answers the
     * tool's next call, so once the first is installed the others follow within a moment.
     */
    void toolReady(Side side, Running tool, String regex, long pid) {
        tool.awaitLine(regex, START);
        if (side == Side.BPFTIME) {
            Path log = runtime.resolve("agent.log");
            Pattern installed = Pattern.compile("(?m)^\\S+ pid " + pid + ": attachment \\d+ of program \\d+ installed");
            long deadline = System.nanoTime() + START.toNanos();
            while (!installed.matcher(readOr(log)).find()) {
                if (System.nanoTime() > deadline) {
                    fail("the workload's agent (pid " + pid + ") installed nothing"
                            + " within " + START.toMillis() + " ms of the tool's attach; " + log + ":\n" + readOr(log)
                            + tool.describe());
                }
                pause(20);
            }
            pause(PUSH_SETTLE_MS);
        }
    }

    private static final long PUSH_SETTLE_MS = 200;

    private static String readOr(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no " + file + ")\n";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")\n";
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets a gated workload work, and waits for its "done". */
    static void go(Running workload) {
        workload.signal("USR1");
        workload.awaitLine("done", WORK);
    }

    /** Lets a gated workload that printed "done" exit; checks it exits 0. */
    static void finish(Running workload) {
        workload.signal("USR1");
        assertEquals(0, workload.awaitExit(START), "the workload must exit 0\n" + workload.describe());
    }

    /**
     * Stops a tool as a user does (Ctrl-C), and checks that it exits 0. The time allowed is a run's: bpftrace
     * on the kernel detaches its uprobes and prints its maps on the way out, which took over 30 s once on a
     * machine loaded by parallel builds.
     */
    static void interrupt(Running tool) {
        tool.signal("INT");
        assertEquals(0, tool.awaitExit(WORK), "the tool must exit 0 on SIGINT\n" + tool.describe());
    }

    /** The service of this world's runtime folder, when one runs: for tests that kill it. */
    long servicePid() throws IOException {
        Path pid = runtime.resolve("service.pid");
        return Files.exists(pid) ? Long.parseLong(Files.readString(pid).trim()) : -1;
    }

    static List<String> asNobody() {
        return new ArrayList<>(List.of("setpriv", "--reuid=" + Unprivileged.USER, "--regid=" + Unprivileged.GROUP,
                "--clear-groups"));
    }

    /** Ends what this world started, its service included (a service outlives its last loader a while). */
    @Override
    public void close() throws IOException {
        for (Running r : started) {
            r.close();
        }
        long service = servicePid();
        if (service > 0) {
            // Only if that pid is still nobody's service, not a pid used again since.
            ProcessHandle.of(service).filter(p -> p.info().user().orElse("").equals(Unprivileged.USER))
                    .filter(p -> p.info().command().orElse("").endsWith("java")).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
