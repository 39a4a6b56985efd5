package dev.bpftime.isa.text;

import java.nio.ByteOrder;

/**
 * Raw bytes to text the way llvm-objdump-19 decodes BPF: BPFDisassembler::getInstruction reads 8 bytes
 * (the register nibbles swapped on big-endian targets), decodes with LLVM's tables, and for a 64-bit
 * immediate load takes the high half from bytes 12-15 without looking at the rest of the second slot.
 * Unlike {@link dev.bpftime.isa.InstructionDecoder} this never refuses: what LLVM cannot decode comes
 * back as {@link LlvmDecoded#isUnknown()}, with the size objdump skips.
 */
public final class LlvmDecoder {

    private LlvmDecoder() {
    }

    /**
     * Decodes at {@code from}, seeing {@code available} bytes up to the end of the section.
     *
     * @param alu32 decode as with the alu32 feature (objdump's {@code --mattr=+alu32}); objdump's default is false
     */
    public static LlvmDecoded decode(byte[] code, int from, int available, ByteOrder order, boolean alu32) {
        if (from < 0 || available < 0 || from > code.length - available) {
            throw new IndexOutOfBoundsException("range " + from + "+" + available + " of " + code.length + " bytes");
        }
        if (available < 8) {
            return LlvmDecoded.unknown(0);
        }
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        int opcode = code[from] & 0xff;
        int regs = code[from + 1] & 0xff;
        int dst = little ? regs & 0x0f : regs >>> 4;
        int src = little ? regs >>> 4 : regs & 0x0f;
        short off = (short) read(code, from + 2, 2, little);
        int imm = (int) read(code, from + 4, 4, little);
        String text = LlvmForms.text(opcode, dst, src, off, imm, alu32);
        if (text == null) {
            return LlvmDecoded.unknown(8);
        }
        if (opcode == 0x18) {
            if (available < 16) {
                return LlvmDecoded.unknown(0);
            }
            long high = read(code, from + 12, 4, little);
            long wide = (high << 32) | (imm & 0xffffffffL);
            return new LlvmDecoded(16, LlvmForms.text(opcode, dst, src, off, wide, alu32), false, 0);
        }
        if (LlvmForms.isBranch(opcode)) {
            // BPFMCInstrAnalysis::evaluateBranch: gotol's distance is its imm, every other branch's is off.
            return new LlvmDecoded(8, text, true, opcode == 0x06 ? imm : off);
        }
        return new LlvmDecoded(8, text, false, 0);
    }

    private static long read(byte[] code, int at, int bytes, boolean little) {
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            int b = code[at + (little ? bytes - 1 - i : i)] & 0xff;
            value = (value << 8) | b;
        }
        return value;
    }
}
