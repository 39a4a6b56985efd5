package dev.bpftime.isa.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The bpf_conformance files under ../shared/conformance; a test needing them fails when they are missing. */
final class SharedCorpus {

    private SharedCorpus() {
    }

    static Path directory(String name) {
        String shared = System.getProperty("bpftime.shared");
        if (shared == null) {
            fail("system property bpftime.shared is not set: run the tests through Maven (surefire passes it)");
        }
        Path dir = Path.of(shared, "conformance", name);
        if (!Files.isDirectory(dir)) {
            fail("the shared conformance corpus is missing: actual no directory " + dir
                    + " vs expected the bpf_conformance " + name + "/ files there");
        }
        return dir;
    }

    static List<Path> files(String name) {
        try {
            List<Path> files = ConformanceFile.list(directory(name));
            assertTrue(!files.isEmpty(), "no .data files in " + directory(name));
            return files;
        } catch (IOException e) {
            throw new AssertionError("listing " + name + ": " + e, e);
        }
    }
}
