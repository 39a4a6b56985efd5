package dev.bpftime.isa;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small DSL for hand-written programs, mostly for tests:
 *
 * <pre>{@code
 * List<Instruction> prog = Asm.assemble(
 *         mov64(R0, 0),
 *         jump(JumpOp.JGT, R1, 4, "out"),
 *         mov64(R0, 1),
 *         label("out"),
 *         exit());
 * }</pre>
 */
public final class Asm {

    private Asm() {
    }

    /** Resolves labels (in slots, counting lddw as two) and returns the instructions. */
    public static List<Instruction> assemble(AsmItem... items) {
        return assemble(List.of(items));
    }

    public static List<Instruction> assemble(List<? extends AsmItem> items) {
        Map<String, Integer> labels = new HashMap<>();
        int slot = 0;
        for (AsmItem item : items) {
            if (item instanceof AsmItem.Label l) {
                if (labels.put(l.name(), slot) != null) {
                    throw new IllegalArgumentException("label defined twice: " + l.name());
                }
            } else {
                slot += width(item);
            }
        }
        List<Instruction> out = new ArrayList<>(items.size());
        slot = 0;
        for (AsmItem item : items) {
            if (item instanceof Instruction insn) {
                out.add(insn);
            } else if (item instanceof AsmItem.LabelRef ref) {
                Integer target = labels.get(ref.label());
                if (target == null) {
                    throw new IllegalArgumentException("undefined label: " + ref.label());
                }
                out.add(withDistance(ref.template(), target - (slot + 1)));
            }
            slot += width(item);
        }
        return out;
    }

    private static int width(AsmItem item) {
        if (item instanceof Instruction insn) {
            return insn.width();
        }
        return item instanceof AsmItem.LabelRef ? 1 : 0;
    }

    private static Instruction withDistance(Instruction t, int distance) {
        if (t.opcode().equals(Opcode.GOTOL) || t.isLocalCall()) {
            return new Instruction(t.opcode(), t.dst(), t.src(), t.offset(), distance);
        }
        return new Instruction(t.opcode(), t.dst(), t.src(), distance, t.imm());
    }

    public static AsmItem label(String name) {
        return new AsmItem.Label(name);
    }

    // ---- ALU ----

    public static Instruction alu64(AluOp op, Register dst, Register src) {
        return new Instruction(Opcode.alu(true, op, true), dst, src, 0, 0);
    }

    public static Instruction alu64(AluOp op, Register dst, int imm) {
        return new Instruction(Opcode.alu(true, op, false), dst, Register.R0, 0, imm);
    }

    public static Instruction alu32(AluOp op, Register dst, Register src) {
        return new Instruction(Opcode.alu(false, op, true), dst, src, 0, 0);
    }

    public static Instruction alu32(AluOp op, Register dst, int imm) {
        return new Instruction(Opcode.alu(false, op, false), dst, Register.R0, 0, imm);
    }

    public static Instruction mov64(Register dst, Register src) {
        return alu64(AluOp.MOV, dst, src);
    }

    public static Instruction mov64(Register dst, int imm) {
        return alu64(AluOp.MOV, dst, imm);
    }

    public static Instruction mov32(Register dst, Register src) {
        return alu32(AluOp.MOV, dst, src);
    }

    public static Instruction mov32(Register dst, int imm) {
        return alu32(AluOp.MOV, dst, imm);
    }

    public static Instruction add64(Register dst, Register src) {
        return alu64(AluOp.ADD, dst, src);
    }

    public static Instruction add64(Register dst, int imm) {
        return alu64(AluOp.ADD, dst, imm);
    }

    /** Sign-extending move of the low {@code bits} (8, 16 or 32) of src (v4). */
    public static Instruction movsx64(Register dst, Register src, int bits) {
        return new Instruction(Opcode.alu(true, AluOp.MOV, true), dst, src, bits, 0);
    }

    public static Instruction movsx32(Register dst, Register src, int bits) {
        return new Instruction(Opcode.alu(false, AluOp.MOV, true), dst, src, bits, 0);
    }

    /** Signed division or modulo (offset 1, v4); {@code op} is DIV or MOD. */
    public static Instruction signed(Instruction divOrMod) {
        return new Instruction(divOrMod.opcode(), divOrMod.dst(), divOrMod.src(), 1, divOrMod.imm());
    }

    public static Instruction neg64(Register dst) {
        return alu64(AluOp.NEG, dst, 0);
    }

    public static Instruction neg32(Register dst) {
        return alu32(AluOp.NEG, dst, 0);
    }

    /** Converts the low {@code bits} of dst to little-endian (ALU | END | K). */
    public static Instruction le(Register dst, int bits) {
        return new Instruction(Opcode.alu(false, AluOp.END, false), dst, Register.R0, 0, bits);
    }

    /** Converts the low {@code bits} of dst to big-endian (ALU | END | X). */
    public static Instruction be(Register dst, int bits) {
        return new Instruction(Opcode.alu(false, AluOp.END, true), dst, Register.R0, 0, bits);
    }

    /** Unconditional byte swap (ALU64 | END, v4). */
    public static Instruction bswap(Register dst, int bits) {
        return new Instruction(Opcode.alu(true, AluOp.END, false), dst, Register.R0, 0, bits);
    }

    // ---- jumps and calls ----

    public static AsmItem jump(JumpOp op, Register dst, int imm, String label) {
        return new AsmItem.LabelRef(new Instruction(Opcode.jump(false, op, false), dst, Register.R0, 0, imm), label);
    }

    public static AsmItem jump(JumpOp op, Register dst, Register src, String label) {
        return new AsmItem.LabelRef(new Instruction(Opcode.jump(false, op, true), dst, src, 0, 0), label);
    }

    public static AsmItem jump32(JumpOp op, Register dst, int imm, String label) {
        return new AsmItem.LabelRef(new Instruction(Opcode.jump(true, op, false), dst, Register.R0, 0, imm), label);
    }

    public static AsmItem jump32(JumpOp op, Register dst, Register src, String label) {
        return new AsmItem.LabelRef(new Instruction(Opcode.jump(true, op, true), dst, src, 0, 0), label);
    }

    public static AsmItem ja(String label) {
        return new AsmItem.LabelRef(new Instruction(Opcode.JA, Register.R0, Register.R0, 0, 0), label);
    }

    /** The v4 long jump, whose distance is in the immediate. */
    public static AsmItem gotol(String label) {
        return new AsmItem.LabelRef(new Instruction(Opcode.GOTOL, Register.R0, Register.R0, 0, 0), label);
    }

    public static Instruction call(int helperId) {
        return new Instruction(Opcode.CALL, Register.R0, Register.R0, 0, helperId);
    }

    public static AsmItem callLocal(String label) {
        return new AsmItem.LabelRef(
                new Instruction(Opcode.CALL, Register.R0, Register.of(CallKind.LOCAL.code()), 0, 0), label);
    }

    public static Instruction callKfunc(int btfId) {
        return new Instruction(Opcode.CALL, Register.R0, Register.of(CallKind.KFUNC.code()), 0, btfId);
    }

    public static Instruction exit() {
        return new Instruction(Opcode.EXIT, Register.R0, Register.R0, 0, 0);
    }

    // ---- loads and stores ----

    public static Instruction ldx(Size size, Register dst, Register src, int off) {
        return new Instruction(Opcode.memory(InstructionClass.LDX, Mode.MEM, size), dst, src, off, 0);
    }

    /** Sign-extending load (v4). */
    public static Instruction ldxsx(Size size, Register dst, Register src, int off) {
        return new Instruction(Opcode.memory(InstructionClass.LDX, Mode.MEMSX, size), dst, src, off, 0);
    }

    public static Instruction st(Size size, Register dst, int off, int imm) {
        return new Instruction(Opcode.memory(InstructionClass.ST, Mode.MEM, size), dst, Register.R0, off, imm);
    }

    public static Instruction stx(Size size, Register dst, int off, Register src) {
        return new Instruction(Opcode.memory(InstructionClass.STX, Mode.MEM, size), dst, src, off, 0);
    }

    /** An atomic read-modify-write of {@code *(size *)(dst + off)} with src; {@code fetch} returns the old value in src. */
    public static Instruction atomic(Size size, AtomicOp op, boolean fetch, Register dst, int off, Register src) {
        int imm = op.code() | (fetch ? AtomicOp.FETCH : 0);
        return new Instruction(Opcode.memory(InstructionClass.STX, Mode.ATOMIC, size), dst, src, off, imm);
    }

    public static Instruction lddw(Register dst, long imm) {
        return ldImm64(dst, PseudoSource.IMM64, imm);
    }

    public static Instruction ldImm64(Register dst, PseudoSource source, long imm) {
        return new Instruction(Opcode.LDDW, dst, Register.of(source.code()), 0, imm);
    }

    public static Instruction ldMapFd(Register dst, int fd) {
        return ldImm64(dst, PseudoSource.MAP_FD, fd & 0xffffffffL);
    }

    /** The address of byte {@code offset} of the value of the array map {@code fd} (global data). */
    public static Instruction ldMapValue(Register dst, int fd, int offset) {
        return ldImm64(dst, PseudoSource.MAP_VALUE, (fd & 0xffffffffL) | ((long) offset << 32));
    }
}
