package dev.bpftime.jit;

import dev.bpftime.isa.Instruction;
import dev.bpftime.jit.x86.CodeBuffer;
import java.util.List;

/**
 * Compiles eBPF to x86-64: the whole RFC 9669 instruction set, v1 to v4, with the kernel's semantics for
 * the cases the RFC leaves to implementations. The output is position-independent: helpers are reached
 * through a per-process helper table and maps through addresses, both filled in by {@link JitLinker};
 * local calls are pc-relative. See {@link FrameLayout} for the stack and {@link RegisterMap} for registers.
 *
 * <p>The compiler trusts the verifier for memory safety and termination, as the kernel's JIT does; it
 * refuses what it cannot compile faithfully (see {@link ProgramAnalysis}) with a {@link JitException}
 * naming the instruction. Thread-safe: it holds no state.
 */
public final class JitCompiler {

    /**
     * Emission passes at most. Every pass after the first gives correct code ({@link CodeBuffer}); later
     * passes only make more branches short, and rarely change anything after the third.
     */
    private static final int MAX_PASSES = 6;

    public JitImage compile(List<Instruction> program) {
        return compile(program, JitOptions.DEFAULT);
    }

    public JitImage compile(List<Instruction> program, JitOptions options) {
        ProgramAnalysis analysis = new ProgramAnalysis(program);
        CodeBuffer buffer = new CodeBuffer();
        CodeGen gen = emit(analysis, options, buffer);
        for (int pass = 1; pass < MAX_PASSES && buffer.hasLongForwardBranch(); pass++) {
            CodeBuffer next = new CodeBuffer(buffer.branchDistances());
            CodeGen nextGen = emit(analysis, options, next);
            boolean settled = next.shortBranches().equals(buffer.shortBranches());
            buffer = next;
            gen = nextGen;
            if (settled) {
                break;
            }
        }
        return new JitImage(buffer.toByteArray(), gen.relocations, 0, gen.tailCallEntry, analysis.frames,
                FrameLayout.stackBytes(analysis.frames), analysis.helperIds);
    }

    private static CodeGen emit(ProgramAnalysis analysis, JitOptions options, CodeBuffer buffer) {
        CodeGen gen = new CodeGen(analysis, options, buffer);
        emit(gen);
        buffer.resolve();
        return gen;
    }

    /** Emits the whole image. */
    private static void emit(CodeGen gen) {
        FrameEmitter frames = new FrameEmitter(gen);
        AluEmitter alu = new AluEmitter(gen);
        JumpEmitter jumps = new JumpEmitter(gen);
        MemoryEmitter memory = new MemoryEmitter(gen, alu);
        AtomicEmitter atomics = new AtomicEmitter(gen);
        CallEmitter calls = new CallEmitter(gen, frames);
        CallbackEmitter callbacks = new CallbackEmitter(gen);
        frames.entry();
        ProgramAnalysis program = gen.program;
        for (ProgramAnalysis.Subprogram s : program.subprograms) {
            gen.asm.bind(gen.subprogramLabel(s.number()));
            if (s.number() == 0) {
                gen.tailCallEntry = gen.asm.position();
            }
            frames.prologue(s);
            for (int i = s.first(); i < s.end(); i++) {
                gen.bindInsn(i);
                Instruction insn = program.insn(i);
                switch (insn.cls()) {
                    case ALU, ALU64 -> alu.emit(insn);
                    case JMP, JMP32 -> {
                        if (insn.isExit()) {
                            frames.exit(i);
                        } else if (insn.opcode().isCall()) {
                            calls.emit(insn, i);
                        } else {
                            jumps.emit(insn, i);
                        }
                    }
                    case STX -> {
                        if (ProgramAnalysis.isAtomic(insn)) {
                            atomics.emit(insn);
                        } else {
                            memory.emit(insn, i);
                        }
                    }
                    case LD, LDX, ST -> {
                        if (!callbacks.emitAddress(insn, i)) {
                            memory.emit(insn, i);
                        }
                    }
                }
            }
            frames.epilogue(s);
        }
        callbacks.emitEntries();
    }
}
