package dev.bpftime.compat.pin;

import dev.bpftime.compat.posix.Errno;

/**
 * mkdir() and mkdirat() of a path in the emulated bpffs, as the shim forwards them (WIRE_PIN_MKDIR):
 * libbpf's bpf_object__pin makes each pin's folder first (make_parent_dir: mkdir 0700, EEXIST accepted).
 * The kernel's bpf_mkdir (kernel/bpf/inode.c) behind do_mkdirat: the mode less the caller's umask
 * (S_IRWXUGO | S_ISVTX kept), EEXIST for an existing name (a pin or the root too), ENOENT for a missing
 * folder, ENOTDIR under a pin. Returns 0 or -errno.
 */
public final class PinMkdir {

    private PinMkdir() {
    }

    public static int make(BpfFs fs, String path, int mode, int umask) {
        if (path.isEmpty()) {
            return -Errno.ENOENT;
        }
        String normalized = PinPath.normalize(path);
        if (!BpfFs.inMount(normalized)) {
            return -Errno.ENOENT;
        }
        if (fs.exists(normalized)) {
            return -Errno.EEXIST;
        }
        String parent = normalized.substring(0, normalized.lastIndexOf('/'));
        if (!fs.isDirectory(parent)) {
            return fs.exists(parent) ? -PinPath.ENOTDIR : -PinStat.walkErrno(fs, parent);
        }
        fs.mkdir(normalized, mode & ~umask & 01777);
        return 0;
    }
}
