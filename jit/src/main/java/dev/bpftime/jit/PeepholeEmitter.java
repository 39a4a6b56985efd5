package dev.bpftime.jit;

import static dev.bpftime.jit.RegisterMap.SCRATCH_B;
import static dev.bpftime.jit.RegisterMap.SCRATCH_C;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.Register;
import dev.bpftime.jit.x86.ArithOp;
import dev.bpftime.jit.x86.Label;
import dev.bpftime.jit.x86.Mem;
import dev.bpftime.jit.x86.OpSize;
import dev.bpftime.jit.x86.Reg;
import dev.bpftime.jit.x86.X86Assembler;

/** Emits the instruction groups {@link Peepholes} planned; each method says what the group becomes. */
final class PeepholeEmitter {

    private final CodeGen gen;
    private final X86Assembler asm;
    private final AluEmitter alu;
    private final JumpEmitter jumps;
    private final MemoryEmitter memory;

    PeepholeEmitter(CodeGen gen, AluEmitter alu, JumpEmitter jumps, MemoryEmitter memory) {
        this.gen = gen;
        this.asm = gen.asm;
        this.alu = alu;
        this.jumps = jumps;
        this.memory = memory;
    }

    /**
     * The ALU instructions a SELECT may compute into a scratch register: no division (its by-zero
     * branches), no shift by a register (it needs cl), no byte swap, no sign-extending move.
     */
    static boolean selectable(Instruction insn) {
        if (!insn.cls().isAlu() || insn.dst() == Register.R10) {
            return false;
        }
        AluOp op = insn.opcode().aluOp();
        boolean reg = insn.opcode().isRegisterSource();
        return switch (op) {
            case ADD, SUB, AND, OR, XOR, MUL, NEG -> true;
            case MOV -> insn.offset() == 0;
            case LSH, RSH, ARSH -> !reg;
            default -> false;
        };
    }

    /** {@code rX = rA; rX += rB|imm} as {@code lea rX, [rA + rB|imm]}. */
    void lea(int index) {
        asm.lea(RegisterMap.of(gen.program.insn(index).dst()), address(index, 0));
    }

    /** The access at {@code index} through the address its pair computed, the pair left out. */
    void foldedAccess(int index) {
        Instruction access = gen.program.insn(index);
        memory.emit(access, address(gen.peepholes.link(index), access.offset()));
    }

    /** What the pair at {@code first} computes, plus {@code offset}, as an x86 address. */
    private Mem address(int first, int offset) {
        Instruction mov = gen.program.insn(first);
        Instruction add = gen.program.insn(first + 1);
        Reg a = RegisterMap.of(mov.src());
        if (add.opcode().isRegisterSource()) {
            // rX += rX after rX = rA adds rA to itself.
            Reg b = add.src() == mov.dst() ? a : RegisterMap.of(add.src());
            return Mem.of(a, b, 1, offset);
        }
        return Mem.of(a, add.imm32() + offset);
    }

    /**
     * {@code if cond goto join; d = ...; join:} as: the skipped instructions computed into r10 (with d's
     * reads reading r10 once it is written), the compare, then {@code cmov!cond d, r10}. A 64-bit cmov
     * leaves d whole when the jump is taken; the computed value is already zero-extended for ALU32.
     */
    void select(int index) {
        Instruction jump = gen.program.insn(index);
        int join = gen.peepholes.link(index);
        Instruction first = gen.program.insn(index + 1);
        Register d = first.dst();
        Reg target = RegisterMap.of(d);
        boolean firstDefines = first.opcode().aluOp() == AluOp.MOV
                && (!first.opcode().isRegisterSource() || first.src() != d);
        if (!firstDefines) {
            asm.mov(OpSize.QWORD, SCRATCH_B, target);
        }
        for (int j = index + 1; j < join; j++) {
            Instruction insn = gen.program.insn(j);
            Reg src = insn.src() == d ? SCRATCH_B : RegisterMap.of(insn.src());
            alu.emit(insn, SCRATCH_B, src);
        }
        jumps.compare(jump);
        asm.cmov(JumpEmitter.condition(jump.opcode().jumpOp()).negate(), OpSize.QWORD, target, SCRATCH_B);
    }

    /** {@code if cond goto +1; ja L} as {@code j!cond L}. */
    void branchOverJump(int index) {
        Instruction jump = gen.program.insn(index);
        jumps.compareAndJump(jump, JumpEmitter.condition(jump.opcode().jumpOp()).negate(),
                gen.insnLabel(gen.program.target(index + 1)));
    }

    /**
     * The compare tree at {@code index} as {@code jmp [table + 4 * r]}: entries are offsets from the
     * table, which sits in the code right after the jump, so the image stays position-independent.
     */
    void jumpTable(int index) {
        Reg r = RegisterMap.of(gen.program.insn(index).dst());
        int[] leaves = gen.peepholes.table(index);
        Label table = new Label();
        asm.leaRip(SCRATCH_C, table);
        asm.loadSigned(OpSize.DWORD, SCRATCH_B, Mem.of(SCRATCH_C, r, 4, 0));
        asm.arith(ArithOp.ADD, OpSize.QWORD, SCRATCH_B, SCRATCH_C);
        asm.jmpIndirect(SCRATCH_B);
        while (asm.position() % 4 != 0) {
            gen.buffer.emit8(0xcc);
        }
        asm.bind(table);
        for (int leaf : leaves) {
            gen.buffer.labelDelta(gen.insnLabel(leaf), table);
        }
    }
}
