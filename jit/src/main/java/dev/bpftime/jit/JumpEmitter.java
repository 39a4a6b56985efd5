package dev.bpftime.jit;

import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionClass;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.jit.x86.ArithOp;
import dev.bpftime.jit.x86.Cond;
import dev.bpftime.jit.x86.OpSize;
import dev.bpftime.jit.x86.Reg;
import dev.bpftime.jit.x86.X86Assembler;

/**
 * JMP and JMP32 branches (RFC 9669 section 4.3): ja, gotol and the conditional jumps. JMP compares 64-bit
 * values with the immediate sign-extended, JMP32 the low halves, as x86's 64- and 32-bit cmp/test do.
 */
final class JumpEmitter {

    private final CodeGen gen;
    private final X86Assembler asm;

    JumpEmitter(CodeGen gen) {
        this.gen = gen;
        this.asm = gen.asm;
    }

    void emit(Instruction insn, int index) {
        int target = gen.program.target(index);
        JumpOp op = insn.opcode().jumpOp();
        if (target == index + 1) {
            return; // a jump to the next instruction does nothing, whatever its condition
        }
        if (op == JumpOp.JA) {
            asm.jmp(gen.insnLabel(target));
            return;
        }
        OpSize size = OpSize.of(insn.cls() == InstructionClass.JMP);
        Reg dst = RegisterMap.of(insn.dst());
        int imm = insn.imm32();
        if (insn.opcode().isRegisterSource()) {
            Reg src = RegisterMap.of(insn.src());
            if (op == JumpOp.JSET) {
                asm.test(size, dst, src);
            } else {
                asm.arith(ArithOp.CMP, size, dst, src);
            }
        } else if (op == JumpOp.JSET) {
            asm.testImm(size, dst, imm);
        } else if (imm == 0) {
            // test sets ZF, SF, CF = 0 and OF = 0 exactly as cmp with 0 does, in two bytes less.
            asm.test(size, dst, dst);
        } else {
            asm.arithImm(ArithOp.CMP, size, dst, imm);
        }
        asm.jcc(condition(op), gen.insnLabel(target));
    }

    private static Cond condition(JumpOp op) {
        return switch (op) {
            case JEQ -> Cond.E;
            case JNE, JSET -> Cond.NE;
            case JGT -> Cond.A;
            case JGE -> Cond.AE;
            case JLT -> Cond.B;
            case JLE -> Cond.BE;
            case JSGT -> Cond.G;
            case JSGE -> Cond.GE;
            case JSLT -> Cond.L;
            case JSLE -> Cond.LE;
            default -> throw new IllegalArgumentException("not a conditional jump: " + op);
        };
    }
}
