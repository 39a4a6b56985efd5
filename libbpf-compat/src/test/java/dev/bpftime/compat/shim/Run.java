package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a C test program, possibly as user nobody (util-linux setpriv), and collects what it said. */
public final class Run {

    private static final long TIMEOUT_SECONDS = 120;

    public record Result(List<String> argv, int code, String out, String err) {

        public List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        public String describe() {
            return argv + " exited " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Run() {
    }

    public static Result run(Path workDir, Map<String, String> env, boolean asNobody, String... argv)
            throws IOException, InterruptedException {
        return start(workDir, env, asNobody, argv).finish();
    }

    /** A started run, for several at once. */
    public static Started start(Path workDir, Map<String, String> env, boolean asNobody, String... argv)
            throws IOException {
        List<String> command = new ArrayList<>();
        if (asNobody) {
            command.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        }
        command.addAll(List.of(argv));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().putAll(env);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        return new Started(command, pb.start(), out, err);
    }

    public record Started(List<String> argv, Process process, Path out, Path err) {

        public Result finish() throws IOException, InterruptedException {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(argv + " did not end within " + TIMEOUT_SECONDS + " s");
            }
            Result r = new Result(argv, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return r;
        }
    }

    /** Skips the caller unless this process can become nobody. */
    public static void assumeNobodyAvailable() throws IOException, InterruptedException {
        assumeTrue(isRoot(), "needs root to switch to user nobody (running as uid " + uid() + ")");
        assumeTrue(new ProcessBuilder("setpriv", "--version").start().waitFor() == 0,
                "needs setpriv (Debian package util-linux)");
        assumeTrue(new ProcessBuilder("getent", "passwd", "nobody").start().waitFor() == 0, "needs a user nobody");
    }

    public static boolean isRoot() throws IOException {
        return uid() == 0;
    }

    static int uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }
}
