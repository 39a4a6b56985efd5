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

    /** With helpers by id; an engine that cannot bind them leaves them unbound. */
    default Loaded load(List<Instruction> program, java.util.Map<Integer, dev.bpftime.vm.Helper> helpers) {
        return load(program);
    }

    /**
     * With helpers and the {address, length} regions of native memory (maps) the program may access
     * besides its context and stack; an engine that does not check bounds ignores them.
     */
    default Loaded load(List<Instruction> program, java.util.Map<Integer, dev.bpftime.vm.Helper> helpers,
            List<long[]> regions) {
        return load(program, helpers);
    }

    /**
     * The engine for a program: the JIT, unless $BPFTIME_NO_JIT=1 or the service ran with --no-jit, or
     * the program's memory safety is not proven. JIT code runs natively in the service, so an
     * unverified program that reads a wild address would bring the service down with every user
     * object in it; the bounds-checked interpreter refuses that access instead. Until the verifier
     * lands ({@code ProgramVerifier.STRUCTURAL_ONLY} proves nothing about memory) every test run is
     * therefore interpreted.
     */
    static ProgramEngine configured(boolean memorySafetyProven) {
        boolean noJit = "1".equals(System.getenv("BPFTIME_NO_JIT")) || Boolean.getBoolean(NO_JIT_PROPERTY);
        return noJit || !memorySafetyProven ? new InterpreterEngine() : new JitEngine();
    }

    /** Set by ServiceMain for --no-jit. */
    String NO_JIT_PROPERTY = "bpftime.noJit";
}
