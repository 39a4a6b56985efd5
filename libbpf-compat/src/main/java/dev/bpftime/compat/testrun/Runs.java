package dev.bpftime.compat.testrun;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.syscall.BpfException;

/** Runs a program on an engine: once, or repeat times with the mean duration as bpf_test_timer reports it. */
final class Runs {

    /** What repeated runs give: the last r0 and the mean nanoseconds per run, saturated to u32. */
    record Timed(long retval, int duration) {
    }

    private Runs() {
    }

    static long once(BpfProgram program, ProgramEngine engine, byte[] ctx) throws BpfException {
        return repeat(program, engine, ctx, 1).retval();
    }

    /** @param repeat runs to make; 0 counts as 1 (bpf_test_run) */
    static Timed repeat(BpfProgram program, ProgramEngine engine, byte[] ctx, long repeat) throws BpfException {
        long n = Math.max(1, repeat);
        try (ProgramEngine.Loaded loaded = engine.load(TestRunHelpers.withMapTokens(program), TestRunHelpers.of(program))) {
            byte[] fresh = ctx.clone();
            long r0 = 0;
            long start = System.nanoTime();
            for (long i = 0; i < n; i++) {
                // Each run sees what the previous one left, as the kernel reuses its ctx and packet.
                r0 = loaded.run(fresh);
            }
            long mean = (System.nanoTime() - start) / n;
            System.arraycopy(fresh, 0, ctx, 0, ctx.length);
            return new Timed(r0, (int) Math.min(mean, 0xffffffffL));
        } catch (RuntimeException e) {
            // A program the engine cannot run, or one that faulted: the kernel's verifier would have
            // refused it at load time, so the closest answer is the load's EINVAL.
            throw new BpfException(Errno.EINVAL, program + " cannot run on the " + engine.name() + ": " + e.getMessage());
        }
    }
}
