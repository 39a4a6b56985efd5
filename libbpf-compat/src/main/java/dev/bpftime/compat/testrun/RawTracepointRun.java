package dev.bpftime.compat.testrun;

import static dev.bpftime.compat.attr.TestRunAttr.BATCH_SIZE;
import static dev.bpftime.compat.attr.TestRunAttr.CPU;
import static dev.bpftime.compat.attr.TestRunAttr.CTX_IN;
import static dev.bpftime.compat.attr.TestRunAttr.CTX_OUT;
import static dev.bpftime.compat.attr.TestRunAttr.CTX_SIZE_IN;
import static dev.bpftime.compat.attr.TestRunAttr.DATA_IN;
import static dev.bpftime.compat.attr.TestRunAttr.DATA_OUT;
import static dev.bpftime.compat.attr.TestRunAttr.DURATION;
import static dev.bpftime.compat.attr.TestRunAttr.FLAGS;
import static dev.bpftime.compat.attr.TestRunAttr.REPEAT;
import static dev.bpftime.compat.attr.TestRunAttr.RETVAL;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.Outcome;
import java.util.Arrays;

/**
 * bpf_prog_test_run_raw_tp (net/bpf/test_run.c): no data, ctx_out, duration, repeat or batch_size
 * (EINVAL); ctx_size_in at most MAX_BPF_FUNC_ARGS u64 arguments; cpu only with BPF_F_TEST_RUN_ON_CPU
 * (which runs here on whatever CPU the service is on; a cpu past the last is ENXIO); one run, retval
 * written.
 *
 * <p>Known difference: the kernel also refuses a ctx_size_in below the largest context offset the
 * verifier saw the program read (prog->aux->max_ctx_offset); without a verifier that bound is 0 here
 * and the program reads zeros past the given arguments.
 */
final class RawTracepointRun {

    static final int MAX_BPF_FUNC_ARGS = 12;
    static final int BPF_F_TEST_RUN_ON_CPU = 1;
    static final int ENXIO = 6;

    private RawTracepointRun() {
    }

    static Outcome run(BpfProgram program, Attr attr, Caller caller, ProgramEngine engine) throws BpfException {
        if (attr.u64(DATA_IN) != 0 || attr.u64(DATA_OUT) != 0 || attr.u64(CTX_OUT) != 0 || attr.u32(DURATION) != 0
                || attr.u32(REPEAT) != 0 || attr.u32(BATCH_SIZE) != 0) {
            throw new BpfException(Errno.EINVAL, "raw_tp test run takes no data_in/out, ctx_out, duration, repeat or "
                    + "batch_size");
        }
        long ctxSize = Integer.toUnsignedLong(attr.u32(CTX_SIZE_IN));
        if (ctxSize > MAX_BPF_FUNC_ARGS * 8) {
            throw new BpfException(Errno.EINVAL, "test.ctx_size_in: actual " + ctxSize + " vs expected at most "
                    + MAX_BPF_FUNC_ARGS * 8);
        }
        int flags = attr.u32(FLAGS);
        int cpu = attr.u32(CPU);
        if ((flags & BPF_F_TEST_RUN_ON_CPU) == 0 && cpu != 0) {
            throw new BpfException(Errno.EINVAL, "test.cpu " + cpu + " without BPF_F_TEST_RUN_ON_CPU");
        }
        byte[] ctx = ctxSize == 0 ? new byte[0] : caller.read(attr.u64(CTX_IN), (int) ctxSize, "test.ctx_in");
        if ((flags & BPF_F_TEST_RUN_ON_CPU) != 0 && Integer.toUnsignedLong(cpu) >= Runtime.getRuntime()
                .availableProcessors()) {
            throw new BpfException(ENXIO, "test.cpu " + Integer.toUnsignedString(cpu) + " is not online");
        }
        byte[] args = Arrays.copyOf(ctx, MAX_BPF_FUNC_ARGS * 8);
        long r0 = Runs.once(program, engine, args, caller);
        attr.putU32(RETVAL, (int) r0);
        return Outcome.value(0);
    }
}
