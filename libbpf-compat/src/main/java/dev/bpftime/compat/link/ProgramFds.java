package dev.bpftime.compat.link;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.FdRef;

/** bpf_prog_get and bpf_link_get_from_fd: EBADF for no descriptor, EINVAL for a descriptor of another kind. */
final class ProgramFds {

    private ProgramFds() {
    }

    /** The program behind {@code fd}, with a new reference the caller must release or hand on. */
    static BpfProgram retainProgram(Caller caller, int fd, String field) throws BpfException {
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADF, field + " " + fd + " is not an open descriptor");
        }
        if (!(ref instanceof FdRef.Object o) || !(o.object() instanceof BpfProgram prog)) {
            throw new BpfException(Errno.EINVAL, field + " " + fd + " is not a program");
        }
        prog.retain();
        return prog;
    }

    static BpfLink link(Caller caller, int fd, String field) throws BpfException {
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADF, field + " " + fd + " is not an open descriptor");
        }
        if (!(ref instanceof FdRef.Object o) || !(o.object() instanceof BpfLink link)) {
            throw new BpfException(Errno.EINVAL, field + " " + fd + " is not a link");
        }
        return link;
    }
}
