package dev.bpftime.compat.testrun;

import static dev.bpftime.compat.attr.TestRunAttr.CTX_IN;
import static dev.bpftime.compat.attr.TestRunAttr.CTX_OUT;
import static dev.bpftime.compat.attr.TestRunAttr.CTX_SIZE_IN;
import static dev.bpftime.compat.attr.TestRunAttr.CTX_SIZE_OUT;
import static dev.bpftime.compat.attr.TestRunAttr.PROG_FD;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.compat.syscall.Outcome;
import java.util.function.Supplier;

/**
 * BPF_PROG_TEST_RUN (kernel/bpf/syscall.c bpf_prog_test_run): ctx_in and ctx_size_in come together, as
 * do ctx_out and ctx_size_out (EINVAL); prog_fd must be a program (EBADF for no descriptor, EINVAL for
 * another kind, bpf_prog_get); then the type's test_run. Of the types this runtime runs, the kernel
 * gives raw tracepoints and socket filters a test_run; kprobe, tracepoint and perf_event programs have
 * none (ENOTSUPP, 524).
 */
public final class TestRunCommand implements CommandHandler {

    private final Supplier<ProgramEngine> engine;

    public TestRunCommand(Supplier<ProgramEngine> engine) {
        this.engine = engine;
    }

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        if ((attr.u32(CTX_SIZE_IN) != 0) != (attr.u64(CTX_IN) != 0)) {
            throw new BpfException(Errno.EINVAL, "test.ctx_in and test.ctx_size_in: both or neither");
        }
        if ((attr.u32(CTX_SIZE_OUT) != 0) != (attr.u64(CTX_OUT) != 0)) {
            throw new BpfException(Errno.EINVAL, "test.ctx_out and test.ctx_size_out: both or neither");
        }
        int fd = attr.u32(PROG_FD);
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADF, "test.prog_fd " + fd + " is not an open descriptor");
        }
        if (!(ref instanceof FdRef.Object o) || !(o.object() instanceof BpfProgram program)) {
            throw new BpfException(Errno.EINVAL, "test.prog_fd " + fd + " is not a program");
        }
        return switch (program.type()) {
            case RAW_TRACEPOINT -> RawTracepointRun.run(program, attr, caller, engine.get());
            case SOCKET_FILTER -> SocketFilterRun.run(program, attr, caller, engine.get());
            default -> throw new BpfException(Errno.ENOTSUPP, program.type() + " programs have no test_run");
        };
    }
}
