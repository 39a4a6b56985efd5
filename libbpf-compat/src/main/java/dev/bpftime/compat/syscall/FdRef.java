package dev.bpftime.compat.syscall;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.FileView;

/**
 * What a caller's descriptor number refers to. The kernel's fdget gives no file (EBADF) or a file
 * whose f_op says what it is; each command then picks its errno for "not the kind I need" (EINVAL
 * for most, kernel/bpf/syscall.c __bpf_map_get and bpf_prog_get).
 */
public sealed interface FdRef {

    /** No open descriptor with that number. */
    record Missing(int fd) implements FdRef {
    }

    /** An open descriptor that is not one of our BPF objects (a file, a pipe, another socket). */
    record Foreign(int fd, String what) implements FdRef {
    }

    /** One of our BPF objects. */
    record Object(int fd, BpfObject object, FileView view) implements FdRef {

        public Object(int fd, BpfObject object) {
            this(fd, object, null);
        }
    }
}
