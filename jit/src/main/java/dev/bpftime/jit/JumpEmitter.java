package dev.bpftime.jit;

import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionClass;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.jit.x86.ArithOp;
import dev.bpftime.jit.x86.Cond;
import dev.bpftime.jit.x86.Label;
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
        compareAndJump(insn, condition(op), gen.insnLabel(target));
    }

    /** Bytes of the aligned chunks a compare and its jcc must not cross (see compareAndJump). */
    private static final int CHUNK = 32;

    /**
     * The compare of {@code insn}, then {@code jcc cond, target}. The pair, which the CPU fuses, is moved
     * with nops so that it does not cross or end on a 32-byte boundary: on Intel cores since Skylake such
     * a jump cannot be cached as decoded micro-ops (the "JCC erratum", Intel's white paper "Mitigations for
     * Jump Conditional Code Erratum", the reason for gcc's -mbranches-within-32B-boundaries); a copy loop
     * whose closing pair crossed one ran at half speed here. The nops (fewer bytes than the pair) run
     * once per pass through the pair.
     */
    void compareAndJump(Instruction insn, Cond cond, Label target) {
        int start = asm.position();
        compare(insn);
        int length = asm.position() - start + gen.buffer.peekBranchLength(target, 2, 6);
        int offset = start % CHUNK;
        if (offset != 0 && offset + length >= CHUNK && length < CHUNK) {
            gen.buffer.insert(start, X86Assembler.nops(CHUNK - offset));
        }
        asm.jcc(cond, target);
    }

    /** Sets the flags a conditional jump tests: {@link #condition} of its operation holds when it jumps. */
    void compare(Instruction insn) {
        JumpOp op = insn.opcode().jumpOp();
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
    }

    static Cond condition(JumpOp op) {
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
