package dev.bpftime.compat.pin;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.posix.Errno;

/**
 * unlink(), unlinkat() and rmdir() of a path in the emulated bpffs, as the shim forwards them
 * (WIRE_PIN_UNLINK). The kernel's bpffs uses simple_unlink and simple_rmdir (kernel/bpf/inode.c
 * bpf_dir_iops) behind the VFS checks of do_unlinkat and do_rmdir: removing a pin drops the reference
 * it held (bpf_free_inode), so an object nothing else holds goes; an empty directory can be removed.
 * Returns 0 or -errno.
 */
public final class PinUnlink {

    static final int EISDIR = 21;
    static final int EBUSY = 16;
    static final int ENOTEMPTY = 39;
    public static final int ENAMETOOLONG = 36;

    private PinUnlink() {
    }

    public static int remove(BpfFs fs, String path, boolean directory) {
        if (path.isEmpty()) {
            return -Errno.ENOENT;
        }
        String normalized = PinPath.normalize(path);
        if (!BpfFs.inMount(normalized)) {
            return -Errno.ENOENT;
        }
        if (normalized.equals(BpfFs.MOUNT)) {
            // The mount's root: a mount point cannot be removed (EBUSY), nor unlinked as a file (EISDIR).
            return directory ? -EBUSY : -EISDIR;
        }
        if (fs.isDirectory(normalized)) {
            // do_unlinkat on a directory is EISDIR; simple_rmdir refuses one with entries (ENOTEMPTY).
            if (!directory) {
                return -EISDIR;
            }
            if (fs.hasEntries(normalized)) {
                return -ENOTEMPTY;
            }
            fs.rmdir(normalized);
            return 0;
        }
        String parent = normalized.substring(0, normalized.lastIndexOf('/'));
        if (!fs.exists(parent)) {
            return -Errno.ENOENT;
        }
        if (!fs.isDirectory(parent)) {
            return -PinPath.ENOTDIR;
        }
        if (fs.get(normalized).isEmpty()) {
            return -Errno.ENOENT;
        }
        if (directory) {
            return -PinPath.ENOTDIR;
        }
        BpfObject pinned = fs.remove(normalized);
        pinned.release();
        return 0;
    }
}
