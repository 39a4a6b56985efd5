package dev.bpftime.test;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/** The dist/ folder the cli module assembles in its package phase. */
public final class Dist {

    private Dist() {
    }

    /** dist/ of this build; fails (never skips) when it is missing: it is the product under test. */
    public static Path folder() {
        String prop = System.getProperty("bpftime.dist");
        if (prop == null) {
            fail("system property bpftime.dist is not set: run these tests through Maven (mvn verify)");
        }
        Path dist = Path.of(prop);
        if (!Files.isRegularFile(dist.resolve("bin/bpftime"))) {
            fail("no distribution at " + dist + ": expected bin/bpftime, made by `mvn package` of module cli");
        }
        return dist;
    }

    /** The version Maven built; the launcher must report it. */
    static String version() {
        String v = System.getProperty("bpftime.version");
        assertTrue(v != null && !v.isEmpty(), "system property bpftime.version is not set: run through Maven");
        return v;
    }

    /** Copies {@code from} to {@code to} keeping file modes, as cp -a would; symlinks are refused. */
    public static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.copy(dir, to.resolve(from.relativize(dir).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (Files.isSymbolicLink(file)) {
                    fail("dist/ holds a symbolic link, which does not survive every copy: " + file);
                }
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
