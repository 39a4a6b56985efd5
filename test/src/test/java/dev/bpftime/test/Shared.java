package dev.bpftime.test;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** The read-only test corpora in ../shared; their absence fails a test rather than skipping it. */
final class Shared {

    private Shared() {
    }

    static Path dir(String relative) {
        String root = System.getProperty("bpftime.shared");
        if (root == null) {
            fail("system property bpftime.shared is not set: run the tests through Maven");
        }
        Path p = Path.of(root).resolve(relative);
        if (!Files.isDirectory(p)) {
            fail("the shared corpus " + p + " is missing: the repository expects ../shared beside it");
        }
        return p;
    }
}
