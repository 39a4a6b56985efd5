package dev.bpftime.compat.tracefs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the emulated files as a real directory tree in the runtime directory, to which the shim
 * redirects the paths under /sys/kernel/tracing and the others (docs/PROTOCOL.md, "Emulated files").
 * A real tree, not content served per open, because tools also walk it: opendir/getdents64, openat
 * relative to a directory fd, fstat, mmap all then behave as on any file system.
 *
 * <p>{@code files} is a symlink to a {@code files.<stamp>} directory, replaced atomically, so a shim
 * never sees a half-written tree; older trees are removed.
 */
public final class TreeMaterializer {

    public static final String LINK = "files";
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> READ_ONLY =
            java.nio.file.attribute.PosixFilePermissions.fromString("r--------");

    private TreeMaterializer() {
    }

    /** Writes the tree under {@code runtimeDir} and points {@code files} at it; returns the tree's path. */
    public static Path write(Path runtimeDir, Map<String, String> files, String vmlinuxBtf) throws IOException {
        String stamp = ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path tree = runtimeDir.resolve(LINK + "." + stamp);
        Files.createDirectory(tree);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = tree.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue(), StandardCharsets.US_ASCII);
            // Read-only, as the kernel's 0440 event files: a tool writing "enable" gets EACCES, not our tree changed.
            Files.setPosixFilePermissions(p, READ_ONLY);
        }
        VmlinuxBtf.provide(VmlinuxBtf.HOST, vmlinuxBtf, tree.resolve("btf/vmlinux"));
        Path tmpLink = runtimeDir.resolve(LINK + ".link-" + stamp);
        Files.createSymbolicLink(tmpLink, tree.getFileName());
        Files.move(tmpLink, runtimeDir.resolve(LINK), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        removeOthers(runtimeDir, tree);
        return tree;
    }

    private static void removeOthers(Path runtimeDir, Path keep) throws IOException {
        try (Stream<Path> entries = Files.list(runtimeDir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(LINK + ".") && !p.equals(keep) && Files.isDirectory(p)) {
                    deleteTree(p);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                try {
                    Files.deleteIfExists(p);
                } catch (FileAlreadyExistsException e) {
                    // a non-empty directory a concurrent writer filled: leave it
                }
            }
        }
    }
}
