package dev.bpftime.compat.service;

import dev.bpftime.compat.posix.LibC;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The per-user runtime directory that holds the service's socket, pid file, start lock and logs;
 * the same rule as the shim's (syscall-shim/src/main/c/shim_runtime_dir.c): $BPFTIME_RUNTIME_DIR,
 * else $XDG_RUNTIME_DIR/bpftime when XDG_RUNTIME_DIR is a directory of this user, else
 * /tmp/bpftime-<euid>. It must be a real directory of this user with no group or other access.
 */
public final class RuntimeDir {

    public static final String SOCKET = "service.sock";
    public static final String PID_FILE = "service.pid";
    public static final String LOG = "service.log";
    public static final String START_LOCK = "start.lock";

    private RuntimeDir() {
    }

    /** The directory the shim of a process with this environment would use. */
    public static Path choose(Map<String, String> env, int euid) throws IOException {
        String explicit = env.get("BPFTIME_RUNTIME_DIR");
        if (explicit != null && !explicit.isEmpty()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg != null && xdg.startsWith("/")) {
            Path p = Path.of(xdg);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && ownerOf(p) == euid) {
                return p.resolve("bpftime");
            }
        }
        return Path.of("/tmp", "bpftime-" + Integer.toUnsignedString(euid));
    }

    /** Creates the directory (0700) when absent and checks that it is private to this user. */
    public static Path prepare(Path dir) throws IOException {
        int euid = LibC.geteuid();
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // Checked below like a new one.
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("runtime directory " + dir + " is not a directory (or is a symlink)");
        }
        int owner = ownerOf(dir);
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if (owner != euid || (mode & 077) != 0) {
            throw new IOException(String.format("runtime directory %s: actual owner %d mode %03o vs expected owner %d "
                    + "mode 700", dir, owner, mode & 0777, euid));
        }
        return dir;
    }

    private static int ownerOf(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }
}
