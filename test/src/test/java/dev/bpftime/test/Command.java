package dev.bpftime.test;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an external command to its end with a time limit; stdout and stderr go through files. */
final class Command {

    private static final long TIMEOUT_SECONDS = 60;

    private final List<String> argv = new ArrayList<>();
    private final ProcessBuilder builder = new ProcessBuilder();
    private byte[] stdin = new byte[0];
    private Path out;
    private Path err;
    private Path in;

    Command(Path workDir, List<String> argv) {
        this.argv.addAll(argv);
        builder.directory(workDir.toFile());
        // The launcher must not depend on who runs it: start from the JDK running these tests.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    }

    Map<String, String> env() {
        return builder.environment();
    }

    Command stdin(byte[] bytes) {
        this.stdin = bytes;
        return this;
    }

    Result run() throws IOException, InterruptedException {
        return finish(start());
    }

    /** Starts the command; {@link #finish} waits for it (for tests that need its pid). */
    Process start() throws IOException {
        Path dir = builder.directory().toPath();
        out = Files.createTempFile(dir, "stdout", ".txt");
        err = Files.createTempFile(dir, "stderr", ".txt");
        in = Files.write(Files.createTempFile(dir, "stdin", ".bin"), stdin);
        builder.command(argv).redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        return builder.start();
    }

    Result finish(Process p) throws IOException, InterruptedException {
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(argv + " did not end within " + TIMEOUT_SECONDS + " s");
        }
        Result r = new Result(argv, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        Files.delete(in);
        return r;
    }

    record Result(List<String> argv, int code, String out, String err) {

        String[] lines() {
            return out.isEmpty() ? new String[0] : out.split("\n");
        }

        /** For assertion messages: what ran and everything it said. */
        String describe() {
            return argv + " exited " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
