package dev.bpftime.syscallhooks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the Makefile put the library, the test preload and the workloads (target/native). */
final class NativeBuild {
    private NativeBuild() {}

    static Path dir() {
        String prop = System.getProperty("bpftime.native.dir");
        Path dir = prop != null ? Path.of(prop) : Path.of("target", "native");
        assertTrue(Files.isDirectory(dir),
                "native build output missing: actual " + dir.toAbsolutePath()
                        + " vs expected a directory made by the module's Makefile (run mvn compile)");
        return dir;
    }

    static Path preload() {
        return existing(dir().resolve("libbpftime-syscall-hooks-test.so"));
    }

    static Path program(String name) {
        return existing(dir().resolve("test").resolve(name));
    }

    static Path bench(String name) {
        return existing(dir().resolve("bench").resolve(name));
    }

    private static Path existing(Path p) {
        assertTrue(Files.isRegularFile(p), "missing native build output " + p.toAbsolutePath());
        return p;
    }
}
