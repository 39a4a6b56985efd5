package dev.bpftime.compat.progattach;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.prog.ProgramType;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.FdRef;

/** bpf_prog_get_type: EBADF for no descriptor, EINVAL for another kind of descriptor or program type. */
final class Programs {

    private Programs() {
    }

    static BpfProgram ofType(Caller caller, int fd, ProgramType type, String field) throws BpfException {
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADF, field + " " + fd + " is not an open descriptor");
        }
        if (!(ref instanceof FdRef.Object o) || !(o.object() instanceof BpfProgram prog)) {
            throw new BpfException(Errno.EINVAL, field + " " + fd + " is not a program");
        }
        if (prog.type() != type) {
            throw new BpfException(Errno.EINVAL, field + " " + fd + ": actual program type " + prog.type()
                    + " vs expected " + type);
        }
        return prog;
    }
}
