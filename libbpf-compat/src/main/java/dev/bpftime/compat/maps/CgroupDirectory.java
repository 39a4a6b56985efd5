package dev.bpftime.compat.maps;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.FdRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The value of a CGROUP_ARRAY slot: cgroup_fd_array_get_ptr() takes the descriptor of a cgroup v2
 * directory (cgroup_get_from_fd(): any other file, O_PATH or not, a cgroup v1 directory, a file
 * inside a cgroup, no descriptor at all: EBADF; measured on Linux 6.18). The slot holds the
 * directory's inode number, which is its cgroup id (kernfs node id, bpf_get_current_cgroup_id()),
 * cut to the slot's 32 bits: what a probe compares the current task's cgroups against.
 */
final class CgroupDirectory {

    private CgroupDirectory() {
    }

    static int slotValue(int fd, Caller caller) throws BpfException {
        FdRef ref = caller.fd(fd);
        if (!(ref instanceof FdRef.Foreign)) {
            throw new BpfException(Errno.EBADF, "value: fd " + fd + " is not a cgroup directory: " + ref);
        }
        // the caller's own open file, through /proc: no path lookup that a rename could have changed
        Path file = Path.of("/proc", Integer.toString(caller.pid()), "fd", Integer.toString(fd));
        try {
            if (!Files.isDirectory(file) || !"cgroup2".equals(Files.getFileStore(file).type())) {
                throw new BpfException(Errno.EBADF, "value: fd " + fd + " (" + ((FdRef.Foreign) ref).what()
                        + ") is not a cgroup v2 directory");
            }
            long ino = (Long) Files.getAttribute(file, "unix:ino");
            return (int) ino;
        } catch (IOException | UnsupportedOperationException e) {
            throw new BpfException(Errno.EBADF, "value: fd " + fd + " cannot be examined: " + e.getMessage());
        }
    }
}
