package dev.bpftime.syscallhooks;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One finished process: exit status and what it wrote. */
record ProcessRun(List<String> command, int exitCode, String stdout, String stderr) {

    static ProcessRun run(List<String> command, Map<String, String> env) {
        try {
            Path out = Files.createTempFile("sh-out", ".txt");
            Path err = Files.createTempFile("sh-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(env);
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                fail("timed out after 60 s: " + command);
            }
            ProcessRun r = new ProcessRun(List.copyOf(command), p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    static ProcessRun run(Map<String, String> env, String... command) {
        return run(new ArrayList<>(List.of(command)), env);
    }

    String describe() {
        return command + " exited " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}
