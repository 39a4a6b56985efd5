package dev.bpftime.compat.testrun;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;

/** Runs a program on an engine: once, or repeat times with the mean duration as bpf_test_timer reports it. */
final class Runs {

    /** What repeated runs give: the last r0 and the mean nanoseconds per run, saturated to u32. */
    record Timed(long retval, int duration) {
    }

    private Runs() {
    }

    static long once(BpfProgram program, ProgramEngine engine, byte[] ctx, Caller caller) throws BpfException {
        return repeat(program, engine, ctx, 1, caller).retval();
    }

    /**
     * @param repeat runs to make; 0 counts as 1 (bpf_test_run)
     * @param caller whose call this is: the runs happen {@link Caller#unlocked}, the program held meanwhile
     *               (bpf_prog_get in bpf_prog_test_run) so that no other client's close can free it
     */
    static Timed repeat(BpfProgram program, ProgramEngine engine, byte[] ctx, long repeat, Caller caller)
            throws BpfException {
        long n = Math.max(1, repeat);
        program.retain();
        try (TestRunHelpers helpers = new TestRunHelpers(program);
                ProgramEngine.Loaded loaded = engine.load(TestRunHelpers.withMapTokens(program), helpers.helpers(),
                        helpers.regions())) {
            byte[] fresh = ctx.clone();
            long[] r0AndNanos = caller.unlocked(() -> {
                long r0 = 0;
                long start = System.nanoTime();
                for (long i = 0; i < n; i++) {
                    // Each run sees what the previous one left, as the kernel reuses its ctx and packet.
                    r0 = loaded.run(fresh);
                }
                return new long[] {r0, System.nanoTime() - start};
            });
            long mean = r0AndNanos[1] / n;
            System.arraycopy(fresh, 0, ctx, 0, ctx.length);
            return new Timed(r0AndNanos[0], (int) Math.min(mean, 0xffffffffL));
        } catch (RuntimeException e) {
            // A program the engine cannot run, or one that faulted: the kernel's verifier would have
            // refused it at load time, so the closest answer is the load's EINVAL.
            throw new BpfException(Errno.EINVAL, program + " cannot run on the " + engine.name() + ": " + e.getMessage());
        } finally {
            program.release();
        }
    }
}
