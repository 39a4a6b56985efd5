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
    /**
     * Loop heads start at a multiple of 32 bytes (gcc -O2 aligns them to 16, -falign-loops): a loop body
     * of fewer than 32 bytes then never crosses a 64-byte line, which measured here (the VM suite's copy
     * loop) cost up to twice the time per iteration even with its closing jcc placed well.
     */
    private static final int LOOP_ALIGNMENT = 32;

    public JitImage compile(List<Instruction> program) {
        return compile(program, JitOptions.DEFAULT);
    }

    public JitImage compile(List<Instruction> program, JitOptions options) {
        ProgramAnalysis analysis = new ProgramAnalysis(program);
        Peepholes peepholes = new Peepholes(analysis, options);
        CodeBuffer buffer = new CodeBuffer();
        CodeGen gen = emit(analysis, peepholes, options, buffer);
        // The first pass (forward branches long) is always usable; a later one only when no short branch
        // overflowed, which alignment padding can cause (CodeBuffer).
        CodeBuffer last = buffer;
        for (int pass = 1; pass < MAX_PASSES && last.hasLongForwardBranch(); pass++) {
            CodeBuffer next = new CodeBuffer(last.branchDistances(), last.forcedLong());
            CodeGen nextGen = emit(analysis, peepholes, options, next);
            boolean settled = !next.overflowed() && next.shortBranches().equals(last.shortBranches());
            if (!next.overflowed()) {
                buffer = next;
                gen = nextGen;
            }
            last = next;
            if (settled) {
                break;
            }
        }
        int stackBytes = analysis.leaf ? FrameLayout.LEAF_STACK_BYTES : FrameLayout.stackBytes(analysis.reservedFrames);
        return new JitImage(buffer.toByteArray(), gen.relocations, 0, gen.tailCallEntry, analysis.frames,
                stackBytes, analysis.helperIds);
    }

    private static CodeGen emit(ProgramAnalysis analysis, Peepholes peepholes, JitOptions options,
            CodeBuffer buffer) {
        CodeGen gen = new CodeGen(analysis, peepholes, options, buffer);
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
        PeepholeEmitter fused = new PeepholeEmitter(gen, alu, jumps, memory);
        InlineLookupEmitter lookups = new InlineLookupEmitter(gen);
        frames.entry();
        ProgramAnalysis program = gen.program;
        for (ProgramAnalysis.Subprogram s : program.subprograms) {
            gen.asm.bind(gen.subprogramLabel(s.number()));
            if (s.number() == 0) {
                gen.tailCallEntry = gen.asm.position();
            }
            frames.prologue(s);
            for (int i = s.first(); i < s.end(); i++) {
                if (gen.peepholes.loopHead[i]) {
                    gen.asm.alignWithNops(LOOP_ALIGNMENT);
                }
                gen.bindInsn(i);
                Instruction insn = program.insn(i);
                switch (gen.peepholes.kind(i)) {
                    case ABSORBED -> {
                        continue;
                    }
                    case LEA -> {
                        fused.lea(i);
                        continue;
                    }
                    case FOLDED_ACCESS -> {
                        fused.foldedAccess(i);
                        continue;
                    }
                    case SELECT -> {
                        fused.select(i);
                        continue;
                    }
                    case BRANCH_OVER_JUMP -> {
                        fused.branchOverJump(i);
                        continue;
                    }
                    case JUMP_TABLE -> {
                        fused.jumpTable(i);
                        continue;
                    }
                    case INLINE_LOOKUP -> {
                        lookups.emit(i);
                        continue;
                    }
                    case NONE -> {
                    }
                }
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
