package dev.bpftime.isa;

import java.util.Objects;

/**
 * One eBPF instruction. A 64-bit immediate load (lddw) is one instruction of width 2 whose
 * {@code imm} holds all 64 bits; every other instruction is one 8-byte slot whose {@code imm} is
 * the sign-extended 32-bit immediate.
 *
 * <pre>
 *  byte 0   byte 1          bytes 2-3        bytes 4-7
 * +--------+-------+-------+----------------+--------------------------------+
 * | opcode |  src  |  dst  | offset (s16)   | imm (s32)                      |   little-endian:
 * +--------+-------+-------+----------------+--------------------------------+   dst is the low nibble
 * </pre>
 *
 * Jump offsets and local-call immediates count slots from the instruction after this one.
 * An Instruction is not checked when built; {@link InstructionDecoder#check} says whether it is valid.
 */
public record Instruction(Opcode opcode, Register dst, Register src, short offset, long imm) implements AsmItem {

    public Instruction {
        Objects.requireNonNull(opcode, "opcode");
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(src, "src");
        if (!opcode.isLoadImm64() && imm != (int) imm) {
            throw new IllegalArgumentException("immediate of a " + opcode + " instruction: actual " + imm
                    + " vs expected a signed 32-bit value");
        }
    }

    public Instruction(Opcode opcode, Register dst, Register src, int offset, long imm) {
        this(opcode, dst, src, checkedOffset(offset), imm);
    }

    private static short checkedOffset(int offset) {
        if (offset != (short) offset) {
            throw new IllegalArgumentException("offset: actual " + offset + " vs expected -32768..32767");
        }
        return (short) offset;
    }

    /** Slots the instruction takes: 2 for lddw, else 1. */
    public int width() {
        return opcode.isLoadImm64() ? 2 : 1;
    }

    public InstructionClass cls() {
        return opcode.cls();
    }

    /** The low 32 bits of the immediate. */
    public int imm32() {
        return (int) imm;
    }

    public boolean isLoadImm64() {
        return opcode.isLoadImm64();
    }

    /** For lddw: what the source field asks the loader to put in the immediate; else null. */
    public PseudoSource pseudoSource() {
        return opcode.isLoadImm64() ? PseudoSource.ofOrNull(src.index()) : null;
    }

    /** For a call by immediate: helper, local or kfunc; else null. */
    public CallKind callKind() {
        return opcode.equals(Opcode.CALL) ? CallKind.ofOrNull(src.index()) : null;
    }

    public boolean isHelperCall() {
        return callKind() == CallKind.HELPER;
    }

    public boolean isLocalCall() {
        return callKind() == CallKind.LOCAL;
    }

    public boolean isExit() {
        return opcode.isExit();
    }

    /** For an atomic store: the operation in the immediate; else null. */
    public AtomicOp atomicOp() {
        return cls() == InstructionClass.STX && opcode.mode() == Mode.ATOMIC ? AtomicOp.ofOrNull(imm32()) : null;
    }

    /** True for a jump that may transfer control within the program (ja, gotol, conditional jumps). */
    public boolean isBranch() {
        JumpOp op = opcode.jumpOp();
        return op != null && (op == JumpOp.JA || op.isConditional());
    }

    /**
     * For a branch: the distance in slots from the next instruction to the target
     * (the immediate for gotol, the offset otherwise). For a local call: the immediate.
     */
    public int branchDistance() {
        if (opcode.equals(Opcode.GOTOL) || isLocalCall()) {
            return imm32();
        }
        return offset;
    }
}
