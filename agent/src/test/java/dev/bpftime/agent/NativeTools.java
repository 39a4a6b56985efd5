package dev.bpftime.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The C programs the build made in target/native, and running them. */
final class NativeTools {

    private NativeTools() {
    }

    /** target/native/test/NAME, which the Maven build makes before the tests run. */
    static Path testProgram(String name) {
        String dir = System.getProperty("bpftime.agent.native");
        assertTrue(dir != null && !dir.isBlank(), "system property bpftime.agent.native: actual unset vs expected "
                + "the agent's target/native (set by the pom's surefire configuration)");
        Path p = Path.of(dir, "test", name);
        assertTrue(Files.isExecutable(p), "test program: actual no executable " + p
                + " vs expected one built by the agent's Makefile in the compile phase");
        return p;
    }

    record Result(int exit, String stdout, String stderr) {
        String describe() {
            return "exit " + exit + "\n--- stdout ---\n" + tail(stdout) + "\n--- stderr ---\n" + tail(stderr);
        }

        private static String tail(String s) {
            return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
        }
    }

    /** Runs a command to its end (killing it after timeoutSeconds), stdout and stderr kept apart. */
    static Result run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path err = Files.createTempFile("bpftime-agent", ".stderr");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return new Result(-1, new String(out, StandardCharsets.UTF_8),
                        "timed out after " + timeoutSeconds + " s\n" + Files.readString(err));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
