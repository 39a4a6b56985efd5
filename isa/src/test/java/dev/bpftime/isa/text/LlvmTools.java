package dev.bpftime.isa.text;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds and runs the Debian llvm-19 tools the oracle tests compare against. */
final class LlvmTools {

    private LlvmTools() {
    }

    static Optional<Path> find(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Runs a command and returns its standard output; fails with its stderr when it exits non-zero. */
    static String run(List<String> command, Path workDir) throws IOException, InterruptedException {
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        Process p = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        String stderr = Files.readString(err);
        Files.delete(err);
        if (rc != 0) {
            throw new IOException(String.join(" ", command) + " exited " + rc + ": " + stderr);
        }
        return out;
    }
}
