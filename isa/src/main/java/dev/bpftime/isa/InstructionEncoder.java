package dev.bpftime.isa;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Instructions to bytes; the exact inverse of {@link InstructionDecoder} on valid instructions. */
public final class InstructionEncoder {

    private InstructionEncoder() {
    }

    public static byte[] encode(List<Instruction> program) {
        return encode(program, ByteOrder.LITTLE_ENDIAN);
    }

    public static byte[] encode(List<Instruction> program, ByteOrder order) {
        int slots = slotCount(program);
        ByteBuffer buf = ByteBuffer.allocate(slots * InstructionDecoder.SLOT_BYTES).order(order);
        int slot = 0;
        for (Instruction insn : program) {
            write(insn, buf, slot, order);
            slot += insn.width();
        }
        return buf.array();
    }

    public static byte[] encode(Instruction insn) {
        return encode(List.of(insn));
    }

    /** The number of 8-byte slots a program takes (an lddw takes two). */
    public static int slotCount(List<Instruction> program) {
        int slots = 0;
        for (Instruction insn : program) {
            slots += insn.width();
        }
        return slots;
    }

    private static void write(Instruction insn, ByteBuffer buf, int slot, ByteOrder order) {
        new RawSlot(insn.opcode().value(), insn.dst().index(), insn.src().index(), insn.offset(), (int) insn.imm())
                .write(buf, slot, order);
        if (insn.isLoadImm64()) {
            new RawSlot(0, 0, 0, (short) 0, (int) (insn.imm() >>> 32)).write(buf, slot + 1, order);
        }
    }
}
