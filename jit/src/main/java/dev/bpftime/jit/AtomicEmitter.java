package dev.bpftime.jit;

import static dev.bpftime.jit.RegisterMap.SCRATCH_A;
import static dev.bpftime.jit.RegisterMap.SCRATCH_B;
import static dev.bpftime.jit.RegisterMap.SCRATCH_C;

import dev.bpftime.isa.AtomicOp;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.Size;
import dev.bpftime.jit.x86.ArithOp;
import dev.bpftime.jit.x86.Cond;
import dev.bpftime.jit.x86.Label;
import dev.bpftime.jit.x86.Mem;
import dev.bpftime.jit.x86.OpSize;
import dev.bpftime.jit.x86.Reg;
import dev.bpftime.jit.x86.X86Assembler;

/**
 * Atomic read-modify-write on 32 or 64 bits (RFC 9669 section 5.3). add/or/and/xor without fetch are one
 * locked instruction; fetch-add is lock xadd; xchg is xchg; cmpxchg is lock cmpxchg, whose comparand and
 * result live in rax, which is R0 by the ISA's own choice. x86 has no fetching or/and/xor, so those loop
 * on lock cmpxchg with rax as the expected value (R0 parked in r10 meanwhile). 32-bit forms zero-extend
 * the value they return, including R0 after a successful cmpxchg, which x86 leaves untouched.
 */
final class AtomicEmitter {

    private final X86Assembler asm;

    AtomicEmitter(CodeGen gen) {
        this.asm = gen.asm;
    }

    void emit(Instruction insn) {
        OpSize size = insn.opcode().size() == Size.DW ? OpSize.QWORD : OpSize.DWORD;
        Reg dst = RegisterMap.of(insn.dst());
        Reg src = RegisterMap.of(insn.src());
        Mem m = Mem.of(dst, insn.offset());
        AtomicOp op = insn.atomicOp();
        boolean fetch = (insn.imm32() & AtomicOp.FETCH) != 0;
        switch (op) {
            case XCHG -> asm.xchg(size, m, src);
            case CMPXCHG -> {
                asm.lockCmpxchg(size, m, src);
                if (size == OpSize.DWORD) {
                    asm.mov(OpSize.DWORD, Reg.RAX, Reg.RAX);
                }
            }
            case ADD -> {
                if (fetch) {
                    asm.lockXadd(size, m, src);
                } else {
                    asm.lockArith(ArithOp.ADD, size, m, src);
                }
            }
            default -> {
                ArithOp arith = switch (op) {
                    case OR -> ArithOp.OR;
                    case AND -> ArithOp.AND;
                    default -> ArithOp.XOR;
                };
                if (fetch) {
                    fetchLoop(arith, size, dst, src, insn.offset());
                } else {
                    asm.lockArith(arith, size, m, src);
                }
            }
        }
    }

    /**
     * <pre>
     *   mov  rax, [addr]          ; expected value
     * retry:
     *   mov  r11, rax
     *   op   r11, operand
     *   lock cmpxchg [addr], r11  ; on failure rax = the current value
     *   jne  retry
     *   mov  src, rax             ; the old value
     * </pre>
     * When dst (the address) is R0, it moves to r10 first; when src is R0, the operand moves to r9.
     */
    private void fetchLoop(ArithOp op, OpSize size, Reg dst, Reg src, int offset) {
        Reg base = dst;
        Reg operand = src;
        if (dst == Reg.RAX) {
            asm.mov(OpSize.QWORD, SCRATCH_B, Reg.RAX);
            base = SCRATCH_B;
        }
        if (src == Reg.RAX) {
            asm.mov(OpSize.QWORD, SCRATCH_A, Reg.RAX);
            operand = SCRATCH_A;
        } else if (dst != Reg.RAX) {
            asm.mov(OpSize.QWORD, SCRATCH_B, Reg.RAX);
        }
        // Now r10 holds R0 unless src is R0, whose value the result replaces anyway.
        Mem m = Mem.of(base, offset);
        asm.load(size, Reg.RAX, m);
        Label retry = new Label();
        asm.bind(retry);
        asm.mov(OpSize.QWORD, SCRATCH_C, Reg.RAX);
        asm.arith(op, size, SCRATCH_C, operand);
        asm.lockCmpxchg(size, m, SCRATCH_C);
        asm.jcc(Cond.NE, retry);
        if (src != Reg.RAX) {
            asm.mov(size, src, Reg.RAX);
            asm.mov(OpSize.QWORD, Reg.RAX, SCRATCH_B);
        } else if (size == OpSize.DWORD) {
            asm.mov(OpSize.DWORD, Reg.RAX, Reg.RAX);
        }
    }
}
