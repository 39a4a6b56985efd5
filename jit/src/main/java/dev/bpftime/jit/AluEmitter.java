package dev.bpftime.jit;

import static dev.bpftime.jit.RegisterMap.SCRATCH_A;
import static dev.bpftime.jit.RegisterMap.SCRATCH_B;
import static dev.bpftime.jit.RegisterMap.SCRATCH_C;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionClass;
import dev.bpftime.jit.x86.ArithOp;
import dev.bpftime.jit.x86.Cond;
import dev.bpftime.jit.x86.Label;
import dev.bpftime.jit.x86.OpSize;
import dev.bpftime.jit.x86.Reg;
import dev.bpftime.jit.x86.ShiftOp;
import dev.bpftime.jit.x86.X86Assembler;

/**
 * ALU and ALU64 (RFC 9669 section 4.1). A 32-bit x86 operation zero-extends its result into the upper
 * half, which is exactly the ALU class's rule, so each 32-bit operation maps to the 32-bit x86 form.
 */
final class AluEmitter {

    private final X86Assembler asm;

    AluEmitter(CodeGen gen) {
        this.asm = gen.asm;
    }

    void emit(Instruction insn) {
        emit(insn, RegisterMap.of(insn.dst()), RegisterMap.of(insn.src()));
    }

    /**
     * The instruction on the given x86 registers instead of its own (a SELECT computes into a scratch
     * register, {@link PeepholeEmitter}); shifts by a register and division need their own registers.
     */
    void emit(Instruction insn, Reg dst, Reg src) {
        boolean is64 = insn.cls() == InstructionClass.ALU64;
        OpSize size = OpSize.of(is64);
        boolean reg = insn.opcode().isRegisterSource();
        int imm = insn.imm32();
        AluOp op = insn.opcode().aluOp();
        switch (op) {
            case ADD -> arith(ArithOp.ADD, size, dst, reg, src, imm);
            case SUB -> arith(ArithOp.SUB, size, dst, reg, src, imm);
            case AND -> arith(ArithOp.AND, size, dst, reg, src, imm);
            case OR -> arith(ArithOp.OR, size, dst, reg, src, imm);
            case XOR -> arith(ArithOp.XOR, size, dst, reg, src, imm);
            case MOV -> mov(is64, dst, reg, src, imm, insn.offset());
            case MUL -> {
                if (reg) {
                    asm.imul(size, dst, src);
                } else {
                    asm.imulImm(size, dst, dst, imm);
                }
            }
            case NEG -> asm.neg(size, dst);
            case LSH -> shift(ShiftOp.SHL, is64, dst, reg, src, imm);
            case RSH -> shift(ShiftOp.SHR, is64, dst, reg, src, imm);
            case ARSH -> shift(ShiftOp.SAR, is64, dst, reg, src, imm);
            case DIV, MOD -> divMod(op == AluOp.MOD, insn.offset() == 1, size, dst, reg, src, imm);
            case END -> byteSwap(insn.cls() == InstructionClass.ALU64 || reg, dst, imm);
        }
    }

    private void arith(ArithOp op, OpSize size, Reg dst, boolean reg, Reg src, int imm) {
        if (reg) {
            asm.arith(op, size, dst, src);
        } else {
            asm.arithImm(op, size, dst, imm);
        }
    }

    /** mov, and movsx when the offset is 8, 16 or 32 (v4). */
    private void mov(boolean is64, Reg dst, boolean reg, Reg src, int imm, short offset) {
        if (reg) {
            if (offset != 0) {
                asm.movsx(OpSize.ofBytes(offset / 8), OpSize.of(is64), dst, src);
            } else if (dst != src || !is64) {
                // A 32-bit mov of a register onto itself is the zero-extension the ALU class asks for.
                asm.mov(OpSize.of(is64), dst, src);
            }
        } else {
            loadConstant(dst, is64 ? imm : imm & 0xffffffffL);
        }
    }

    /** Puts a 64-bit constant in a register with the shortest encoding. */
    void loadConstant(Reg dst, long value) {
        if (value == 0) {
            asm.arith(ArithOp.XOR, OpSize.DWORD, dst, dst);
        } else if (value == (value & 0xffffffffL)) {
            asm.movImm32(dst, (int) value);
        } else if (value == (int) value) {
            asm.movImmSignExtended(dst, (int) value);
        } else {
            asm.movImm64(dst, value);
        }
    }

    /**
     * Shifts; the count is masked to 5 or 6 bits (RFC 9669: "shift amounts are masked"), as the CPU masks
     * shifts by cl. A register count must be in cl, which holds R4 (rcx): R4 is parked in r11 meanwhile.
     */
    private void shift(ShiftOp op, boolean is64, Reg dst, boolean reg, Reg src, int imm) {
        OpSize size = OpSize.of(is64);
        if (!reg) {
            int count = imm & (is64 ? 63 : 31);
            if (count != 0) {
                asm.shift(op, size, dst, count);
            } else if (!is64) {
                asm.mov(OpSize.DWORD, dst, dst);
            }
            return;
        }
        if (src == Reg.RCX) {
            asm.shiftByCl(op, size, dst);
        } else if (dst == Reg.RCX) {
            asm.mov(OpSize.QWORD, SCRATCH_C, Reg.RCX);
            asm.mov(OpSize.QWORD, Reg.RCX, src);
            asm.shiftByCl(op, size, SCRATCH_C);
            asm.mov(OpSize.QWORD, Reg.RCX, SCRATCH_C);
        } else {
            asm.mov(OpSize.QWORD, SCRATCH_C, Reg.RCX);
            asm.mov(OpSize.QWORD, Reg.RCX, src);
            asm.shiftByCl(op, size, dst);
            asm.mov(OpSize.QWORD, Reg.RCX, SCRATCH_C);
        }
    }

    /**
     * Division and modulo as the kernel defines them (kernel/bpf/verifier.c do_misc_fixups, RFC 9669
     * section 4.1): by zero, div gives 0 and mod leaves dst (its low half, zero-extended, in the ALU class);
     * signed division by -1 is negation and signed modulo by -1 is 0, so INT_MIN / -1 never reaches idiv,
     * which would trap. The 32-bit forms look only at the low halves of both operands. x86 divides rdx:rax,
     * so rax (R0) and rdx (R3) are parked in r10 and r9 unless dst is one of them.
     */
    private void divMod(boolean isMod, boolean signed, OpSize size, Reg dst, boolean reg, Reg src, int imm) {
        Reg divisor;
        Label done = new Label();
        if (reg) {
            Label nonZero = new Label();
            asm.test(size, src, src);
            if (isMod && size == OpSize.QWORD) {
                asm.jcc(Cond.E, done);
            } else {
                asm.jcc(Cond.NE, nonZero);
                byZero(isMod, size, dst);
                asm.jmp(done);
                asm.bind(nonZero);
            }
            if (signed) {
                Label ordinary = new Label();
                asm.arithImm(ArithOp.CMP, size, src, -1);
                asm.jcc(Cond.NE, ordinary);
                byMinusOne(isMod, size, dst);
                asm.jmp(done);
                asm.bind(ordinary);
            }
            divisor = src;
            if (src == Reg.RAX || src == Reg.RDX) {
                asm.mov(OpSize.QWORD, SCRATCH_C, src);
                divisor = SCRATCH_C;
            }
        } else {
            if (imm == 0) {
                byZero(isMod, size, dst);
                return;
            }
            if (signed && imm == -1) {
                byMinusOne(isMod, size, dst);
                return;
            }
            // ALU64 sign-extends the immediate to 64 bits even for unsigned division (RFC 9669 section 4.1).
            if (size == OpSize.QWORD) {
                loadConstant(SCRATCH_C, imm);
            } else {
                asm.movImm32(SCRATCH_C, imm);
            }
            divisor = SCRATCH_C;
        }
        if (dst != Reg.RAX) {
            asm.mov(OpSize.QWORD, SCRATCH_B, Reg.RAX);
        }
        if (dst != Reg.RDX) {
            asm.mov(OpSize.QWORD, SCRATCH_A, Reg.RDX);
        }
        if (dst != Reg.RAX) {
            asm.mov(OpSize.QWORD, Reg.RAX, dst);
        }
        if (signed) {
            asm.signExtendAccumulator(size);
            asm.idiv(size, divisor);
        } else {
            asm.arith(ArithOp.XOR, OpSize.DWORD, Reg.RDX, Reg.RDX);
            asm.div(size, divisor);
        }
        Reg result = isMod ? Reg.RDX : Reg.RAX;
        if (dst != result) {
            asm.mov(OpSize.QWORD, dst, result);
        }
        if (dst != Reg.RAX) {
            asm.mov(OpSize.QWORD, Reg.RAX, SCRATCH_B);
        }
        if (dst != Reg.RDX) {
            asm.mov(OpSize.QWORD, Reg.RDX, SCRATCH_A);
        }
        if (reg) {
            asm.bind(done);
        }
    }

    private void byZero(boolean isMod, OpSize size, Reg dst) {
        if (!isMod) {
            asm.arith(ArithOp.XOR, OpSize.DWORD, dst, dst);
        } else if (size == OpSize.DWORD) {
            asm.mov(OpSize.DWORD, dst, dst);
        }
    }

    private void byMinusOne(boolean isMod, OpSize size, Reg dst) {
        if (isMod) {
            asm.arith(ArithOp.XOR, OpSize.DWORD, dst, dst);
        } else {
            asm.neg(size, dst);
        }
    }

    /**
     * le/be in the ALU class and the unconditional bswap of ALU64 (v4). x86 is little-endian: "to le"
     * only truncates to the width, "to be" and bswap reverse the bytes (a 16-bit swap is a rotate by 8).
     */
    private void byteSwap(boolean swap, Reg dst, int bits) {
        switch (bits) {
            case 16 -> {
                if (swap) {
                    asm.shift(ShiftOp.ROR, OpSize.WORD, dst, 8);
                }
                asm.movzx(OpSize.WORD, dst, dst);
            }
            case 32 -> {
                if (swap) {
                    asm.bswap(OpSize.DWORD, dst);
                } else {
                    asm.mov(OpSize.DWORD, dst, dst);
                }
            }
            default -> {
                if (swap) {
                    asm.bswap(OpSize.QWORD, dst);
                }
            }
        }
    }
}
