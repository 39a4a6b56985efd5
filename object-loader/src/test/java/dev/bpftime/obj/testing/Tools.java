package dev.bpftime.obj.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds and runs the Debian llvm-19/clang-19 tools that the tests compare against or build with. */
public final class Tools {

    private Tools() {
    }

    public static boolean installed(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** What a finished command printed and how it exited. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    public static Result run(List<String> command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("tool", ".stderr");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            return new Result(rc, out, Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** The shared corpora folder; a test that needs it fails, with this message, when it is missing. */
    public static Path shared() {
        String prop = System.getProperty("bpftime.shared");
        Path p = prop == null ? Path.of("..", "..", "shared") : Path.of(prop);
        if (!Files.isDirectory(p.resolve("corpus"))) {
            throw new IllegalStateException("the shared corpora are missing: expected " + p.toAbsolutePath()
                    + "/corpus (system property bpftime.shared, set by the parent pom)");
        }
        return p.toAbsolutePath().normalize();
    }

    /** The module's target folder, for files the tests make. */
    public static Path workDir(String name) throws IOException {
        return Files.createDirectories(Path.of("target", name).toAbsolutePath());
    }

    /** Optional.of(first differing line described), or empty when equal line by line. */
    public static Optional<String> firstDifference(String file, String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String el = i < e.length ? e[i] : "<end of output>";
            String al = i < a.length ? a[i] : "<end of output>";
            if (!el.equals(al)) {
                return Optional.of(file + " line " + (i + 1) + ":\n  llvm-objdump: " + el + "\n  ours:         " + al);
            }
        }
        return Optional.empty();
    }
}
