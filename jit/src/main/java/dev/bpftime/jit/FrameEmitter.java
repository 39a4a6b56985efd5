package dev.bpftime.jit;

import dev.bpftime.isa.Register;
import dev.bpftime.jit.x86.ArithOp;
import dev.bpftime.jit.x86.Mem;
import dev.bpftime.jit.x86.OpSize;
import dev.bpftime.jit.x86.Reg;
import dev.bpftime.jit.x86.X86Assembler;

/** The C entry and the prologue and epilogue of every subprogram; {@link FrameLayout} draws the stack. */
final class FrameEmitter {

    /** The callee-saved registers of the System V ABI, in the C entry's push order. */
    private static final Reg[] ENTRY_SAVED = {Reg.RBP, Reg.RBX, Reg.R12, Reg.R13, Reg.R14, Reg.R15};

    private final CodeGen gen;
    private final X86Assembler asm;

    FrameEmitter(CodeGen gen) {
        this.gen = gen;
        this.asm = gen.asm;
    }

    /**
     * The C entry {@code uint64_t run(void *ctx, uint64_t r2)}: saves the caller's registers, reserves the
     * block and the frames, calls the main program, and restores. rdi and rsi already are r1 and r2. A leaf
     * program ({@link ProgramAnalysis#leaf}) has no entry of its own: its prologue saves the callee-saved
     * registers it writes, which is all the System V ABI asks, and nothing reaches its block or a frame.
     */
    void entry() {
        if (gen.program.leaf) {
            return;
        }
        for (Reg r : ENTRY_SAVED) {
            asm.push(r);
        }
        int reserved = FrameLayout.reservedBytes(gen.program.reservedFrames);
        asm.arithImm(ArithOp.SUB, OpSize.QWORD, Reg.RSP, reserved);
        asm.mov(OpSize.QWORD, RegisterMap.BLOCK, Reg.RSP);
        asm.lea(RegisterMap.FP, Mem.of(Reg.RSP, reserved - FrameLayout.TOP_PAD));
        asm.lea(Reg.RAX, Mem.of(Reg.RSP, reserved));
        asm.store(OpSize.QWORD, Mem.of(RegisterMap.BLOCK, FrameLayout.ENTRY_RSP), Reg.RAX);
        if (gen.program.hasTailCall) {
            asm.storeImm(OpSize.QWORD, Mem.of(RegisterMap.BLOCK, FrameLayout.TAIL_COUNT), 0);
        }
        asm.call(gen.subprogramLabel(0));
        asm.bind(gen.entryExit);
        asm.load(OpSize.QWORD, Reg.RSP, Mem.of(RegisterMap.BLOCK, FrameLayout.ENTRY_RSP));
        for (int i = ENTRY_SAVED.length - 1; i >= 0; i--) {
            asm.pop(ENTRY_SAVED[i]);
        }
        asm.ret();
    }

    /** Saves the R6-R9 the subprogram writes and aligns rsp to 16 when it calls anything. */
    void prologue(ProgramAnalysis.Subprogram s) {
        for (Register r : RegisterMap.CALLEE_SAVED) {
            if (s.savedRegisters().contains(r)) {
                asm.push(RegisterMap.of(r));
            }
        }
        if (s.needsAlignmentPad()) {
            asm.arithImm(ArithOp.SUB, OpSize.QWORD, Reg.RSP, 8);
        }
    }

    /** Undoes the prologue; a tail call does this and jumps instead of returning. */
    void restore(ProgramAnalysis.Subprogram s) {
        if (s.needsAlignmentPad()) {
            asm.arithImm(ArithOp.ADD, OpSize.QWORD, Reg.RSP, 8);
        }
        for (int i = RegisterMap.CALLEE_SAVED.length - 1; i >= 0; i--) {
            Register r = RegisterMap.CALLEE_SAVED[i];
            if (s.savedRegisters().contains(r)) {
                asm.pop(RegisterMap.of(r));
            }
        }
    }

    void epilogue(ProgramAnalysis.Subprogram s) {
        asm.bind(gen.epilogueLabel(s.number()));
        restore(s);
        asm.ret();
    }

    /** exit: the shared epilogue follows the subprogram's last instruction, so only earlier exits jump. */
    void exit(int index) {
        int sub = gen.program.subprogramOf[index];
        if (index + 1 != gen.program.subprograms.get(sub).end()) {
            asm.jmp(gen.epilogueLabel(sub));
        }
    }
}
