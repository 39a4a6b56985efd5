package dev.bpftime.compat.pin;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pathname of BPF_OBJ_PIN and BPF_OBJ_GET, read as getname() does (EFAULT, ENOENT for "",
 * ENAMETOOLONG beyond PATH_MAX) and made absolute against the caller's working directory, with "." and
 * ".." folded as a lookup would (there are no symlinks in bpffs).
 */
public record PinPath(String normalized, boolean trailingSlash) {

    /** PATH_MAX, including the terminating NUL. */
    static final int PATH_MAX = 4096;
    static final int ENAMETOOLONG = 36;

    static PinPath read(Caller caller, long address) throws BpfException {
        byte[] bytes = caller.readCString(address, PATH_MAX, "pathname");
        if (bytes.length == 0) {
            throw new BpfException(Errno.ENOENT, "pathname is empty");
        }
        if (bytes.length >= PATH_MAX) {
            throw new BpfException(ENAMETOOLONG, "pathname: more than " + (PATH_MAX - 1) + " bytes");
        }
        String path = new String(bytes, StandardCharsets.UTF_8);
        if (!path.startsWith("/")) {
            try {
                path = Files.readSymbolicLink(Path.of("/proc", Integer.toString(caller.pid()), "cwd")) + "/" + path;
            } catch (java.io.IOException | UnsupportedOperationException e) {
                throw new BpfException(Errno.ENOENT, "relative pathname " + path + ": caller's cwd unknown: " + e);
            }
        }
        return new PinPath(normalize(path), path.length() > 1 && path.endsWith("/"));
    }

    static String normalize(String path) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(p);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** The directory part of the path ("/" for a path directly under the root). */
    String parent() {
        int i = normalized.lastIndexOf('/');
        return i <= 0 ? "/" : normalized.substring(0, i);
    }

    /**
     * For a path outside the emulated bpffs: the errno the kernel gives when the real filesystem there is
     * not bpffs. The lookup of the parent fails first (ENOENT, ENOTDIR); with a parent that exists the
     * fs check refuses (EPERM for a pin, bpf_obj_do_pin; EACCES for a get on an existing non-bpf file,
     * bpf_inode_type; ENOENT when nothing is there).
     */
    int foreignErrno(boolean pin) {
        Path target = Path.of(normalized);
        Path parent = target.getParent() == null ? target : target.getParent();
        if (!Files.exists(parent)) {
            return Errno.ENOENT;
        }
        if (!Files.isDirectory(parent)) {
            return ENOTDIR;
        }
        if (pin) {
            return Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? Errno.EEXIST : Errno.EPERM;
        }
        return Files.exists(target) ? Errno.EACCES : Errno.ENOENT;
    }

    static final int ENOTDIR = 20;
}
