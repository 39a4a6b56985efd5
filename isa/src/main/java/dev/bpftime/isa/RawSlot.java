package dev.bpftime.isa;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The five fields of one 8-byte slot, read as they are. The register byte holds dst in its low
 * nibble on little-endian targets and in its high nibble on big-endian ones (include/uapi/linux/bpf.h
 * declares {@code __u8 dst_reg:4; __u8 src_reg:4;}, whose bit order follows the target's).
 */
record RawSlot(int opcode, int dst, int src, short offset, int imm) {

    static RawSlot read(ByteBuffer buf, int slot, ByteOrder order) {
        int base = slot * InstructionDecoder.SLOT_BYTES;
        int regs = buf.get(base + 1) & 0xff;
        int lo = regs & 0x0f;
        int hi = regs >>> 4;
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        return new RawSlot(buf.get(base) & 0xff, little ? lo : hi, little ? hi : lo,
                buf.getShort(base + 2), buf.getInt(base + 4));
    }

    void write(ByteBuffer buf, int slot, ByteOrder order) {
        int base = slot * InstructionDecoder.SLOT_BYTES;
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        buf.put(base, (byte) opcode);
        buf.put(base + 1, (byte) (little ? (src << 4) | dst : (dst << 4) | src));
        buf.putShort(base + 2, offset);
        buf.putInt(base + 4, imm);
    }

    String describe() {
        return String.format("opcode 0x%02x, dst %d, src %d, offset %d", opcode, dst, src, offset);
    }
}
