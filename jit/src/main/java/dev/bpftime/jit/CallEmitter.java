package dev.bpftime.jit;

import static dev.bpftime.jit.RegisterMap.BLOCK;
import static dev.bpftime.jit.RegisterMap.FP;
import static dev.bpftime.jit.RegisterMap.SCRATCH_C;

import dev.bpftime.isa.Instruction;
import dev.bpftime.jit.x86.ArithOp;
import dev.bpftime.jit.x86.Cond;
import dev.bpftime.jit.x86.Label;
import dev.bpftime.jit.x86.Mem;
import dev.bpftime.jit.x86.OpSize;
import dev.bpftime.jit.x86.Reg;
import dev.bpftime.jit.x86.ShiftOp;
import dev.bpftime.jit.x86.X86Assembler;

/**
 * Calls (RFC 9669 section 4.3.1). Helpers are C functions in the per-process helper table: R1-R5 already
 * sit in the System V argument registers and R0 is rax. bpf-to-bpf calls are pc-relative calls into the
 * image with rbp lowered by one frame. Helper 12 is the kernel's bpf_tail_call.
 */
final class CallEmitter {

    private final CodeGen gen;
    private final X86Assembler asm;
    private final FrameEmitter frames;

    CallEmitter(CodeGen gen, FrameEmitter frames) {
        this.gen = gen;
        this.asm = gen.asm;
        this.frames = frames;
    }

    void emit(Instruction insn, int index) {
        if (insn.isLocalCall()) {
            localCall(index);
        } else if (insn.opcode().isRegisterSource()) {
            callx(insn, index);
        } else if (insn.imm32() == FrameLayout.TAIL_CALL_HELPER) {
            tailCall(index);
        } else {
            helperCall(insn.imm32(), index);
        }
    }

    /** {@code movabs r11, table; call [r11 + 8 * id]}. */
    private void helperCall(int id, int index) {
        loadHelperTable(index, id);
        asm.callIndirect(Mem.of(SCRATCH_C, id * 8));
        if (gen.options.unwindHelper() == id) {
            asm.test(OpSize.QWORD, Reg.RAX, Reg.RAX);
            asm.jcc(Cond.E, gen.entryExit);
        }
    }

    /** The relocation's key is the helper id called, -1 for callx. */
    private void loadHelperTable(int index, int helperId) {
        int at = asm.movImm64(SCRATCH_C, 0);
        gen.relocate(at, Relocation.Kind.HELPER_TABLE, helperId, 0, index);
    }

    /** Each callee gets the next 512-byte frame: rbp (r10) moves down around the call. */
    private void localCall(int index) {
        int callee = gen.program.subprogramOf[gen.program.target(index)];
        asm.arithImm(ArithOp.SUB, OpSize.QWORD, FP, FrameLayout.FRAME_BYTES);
        asm.call(gen.subprogramLabel(callee));
        asm.arithImm(ArithOp.ADD, OpSize.QWORD, FP, FrameLayout.FRAME_BYTES);
    }

    /**
     * callx: the helper whose id is in dst (LLVM's encoding; the kernel has no callx). An id outside the
     * helper table ends the invocation with r0 = 0, as the unwind helper would, instead of jumping to an
     * arbitrary address.
     */
    private void callx(Instruction insn, int index) {
        Reg id = RegisterMap.of(insn.dst());
        Label inRange = new Label();
        int at = asm.arithImm32(ArithOp.CMP, OpSize.QWORD, id, 0);
        gen.relocate(at, Relocation.Kind.HELPER_COUNT, 0, 0, index);
        asm.jcc(Cond.B, inRange);
        asm.arith(ArithOp.XOR, OpSize.DWORD, Reg.RAX, Reg.RAX);
        asm.jmp(gen.entryExit);
        asm.bind(inRange);
        boolean unwind = gen.options.hasUnwindHelper();
        if (unwind) {
            asm.store(OpSize.QWORD, Mem.of(BLOCK, FrameLayout.SAVED_CTX), id);
        }
        loadHelperTable(index, -1);
        asm.callIndirect(Mem.of(SCRATCH_C, id, 8, 0));
        if (unwind) {
            Label keepGoing = new Label();
            asm.arithImm(ArithOp.CMP, OpSize.QWORD, Mem.of(BLOCK, FrameLayout.SAVED_CTX), gen.options.unwindHelper());
            asm.jcc(Cond.NE, keepGoing);
            asm.test(OpSize.QWORD, Reg.RAX, Reg.RAX);
            asm.jcc(Cond.E, gen.entryExit);
            asm.bind(keepGoing);
        }
    }

    /**
     * bpf_tail_call(ctx, prog_array, index). The helper table's entry 12 is the process's resolver,
     * {@code void *resolve(void *ctx, void *prog_array, uint32_t index, uint64_t frames_free)}: the tail-call
     * entry of the program at that index, or NULL when the slot is empty, out of range, or the program needs
     * more than {@code frames_free} frames. As the kernel's x86 JIT (arch/x86/net/bpf_jit_comp.c
     * emit_bpf_tail_call_indirect/direct), at most 33 tail calls run per invocation (MAX_TAIL_CALL_CNT), the
     * count is checked before the lookup and incremented only when a target is found ("Inc tail_call_cnt if
     * the slot is populated"): a failed attempt costs nothing and goes on with the next instruction. On
     * success the current frame is undone and the target runs in its place with r1 = ctx. On failure R0
     * keeps its value (the verifier calls it undefined; the interpreter keeps it too) and R1-R5 are
     * clobbered, as after any call.
     */
    private void tailCall(int index) {
        Label fail = new Label();
        Mem count = Mem.of(BLOCK, FrameLayout.TAIL_COUNT);
        asm.arithImm(ArithOp.CMP, OpSize.QWORD, count, FrameLayout.MAX_TAIL_CALLS);
        asm.jcc(Cond.AE, fail);
        asm.store(OpSize.QWORD, Mem.of(BLOCK, FrameLayout.SAVED_CTX), Reg.RDI);
        asm.store(OpSize.QWORD, Mem.of(BLOCK, FrameLayout.SAVED_R0), Reg.RAX);
        // frames_free = (rbp - region floor) / 512, the region floor being r12 + BLOCK_BYTES.
        asm.lea(Reg.RCX, Mem.of(BLOCK, FrameLayout.BLOCK_BYTES));
        asm.arith(ArithOp.SUB, OpSize.QWORD, Reg.RCX, FP);
        asm.neg(OpSize.QWORD, Reg.RCX);
        asm.shift(ShiftOp.SHR, OpSize.QWORD, Reg.RCX, Integer.numberOfTrailingZeros(FrameLayout.FRAME_BYTES));
        loadHelperTable(index, FrameLayout.TAIL_CALL_HELPER);
        asm.callIndirect(Mem.of(SCRATCH_C, FrameLayout.TAIL_CALL_HELPER * 8));
        Label found = new Label();
        asm.test(OpSize.QWORD, Reg.RAX, Reg.RAX);
        asm.jcc(Cond.NE, found);
        asm.load(OpSize.QWORD, Reg.RAX, Mem.of(BLOCK, FrameLayout.SAVED_R0));
        asm.jmp(fail);
        asm.bind(found);
        asm.arithImm(ArithOp.ADD, OpSize.QWORD, count, 1);
        asm.load(OpSize.QWORD, Reg.RDI, Mem.of(BLOCK, FrameLayout.SAVED_CTX));
        frames.restore(gen.program.subprograms.get(gen.program.subprogramOf[index]));
        asm.jmpIndirect(Reg.RAX);
        asm.bind(fail);
    }
}
