package dev.bpftime.compat.prog;

import static dev.bpftime.compat.attr.MiscAttr.STREAM_ID;
import static dev.bpftime.compat.attr.MiscAttr.STREAM_PROG_FD;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.compat.syscall.Outcome;

/**
 * BPF_PROG_STREAM_READ_BY_FD (kernel/bpf/stream.c, Linux 6.17): the program (EBADF, EINVAL), then its
 * stream, BPF_STDOUT (1) or BPF_STDERR (2), else ENOENT. What a program writes there comes from the
 * bpf_stream_vprintk kfunc and the kernel's own fault reports (arena faults, may_goto timeouts), none of
 * which a program has here (kfuncs are refused at load), so every stream reads as empty: 0 bytes.
 */
public final class ProgStreamReadCommand implements CommandHandler {

    private static final int BPF_STDOUT = 1;
    private static final int BPF_STDERR = 2;

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        int fd = attr.u32(STREAM_PROG_FD);
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADF, "prog_stream_read.prog_fd " + fd + " is not an open descriptor");
        }
        if (!(ref instanceof FdRef.Object o && o.object() instanceof BpfProgram)) {
            throw new BpfException(Errno.EINVAL, "prog_stream_read.prog_fd " + fd + " is not a program");
        }
        int stream = attr.u32(STREAM_ID);
        if (stream != BPF_STDOUT && stream != BPF_STDERR) {
            throw new BpfException(Errno.ENOENT, "stream_id: actual " + Integer.toUnsignedString(stream)
                    + " vs expected BPF_STDOUT (1) or BPF_STDERR (2)");
        }
        return Outcome.value(0);
    }
}
