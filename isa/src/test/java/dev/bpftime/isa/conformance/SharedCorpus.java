package dev.bpftime.isa.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The bpf_conformance files under ../shared/conformance; a test needing them fails when they are missing. */
final class SharedCorpus {

    private SharedCorpus() {
    }

    static Path directory(String name) {
        return ConformanceFile.sharedCorpus(name);
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
