package dev.bpftime.compat.testrun;

import dev.bpftime.isa.Instruction;
import java.util.List;

/** What runs a program for BPF_PROG_TEST_RUN: the JIT (default) or the C interpreter. */
public interface ProgramEngine {

    /** A program made ready to run; closing it frees its code. */
    interface Loaded extends AutoCloseable {
        /** Runs with r1 = a native copy of {@code ctx} (written back after the run), r2 = its length; r0. */
        long run(byte[] ctx);

        @Override
        void close();
    }

    String name();

    Loaded load(List<Instruction> program);

    /** The engine the service uses: the interpreter when $BPFTIME_NO_JIT=1 or the service ran with --no-jit. */
    static ProgramEngine configured() {
        boolean noJit = "1".equals(System.getenv("BPFTIME_NO_JIT")) || Boolean.getBoolean(NO_JIT_PROPERTY);
        return noJit ? new InterpreterEngine() : new JitEngine();
    }

    /** Set by ServiceMain for --no-jit. */
    String NO_JIT_PROPERTY = "bpftime.noJit";
}
