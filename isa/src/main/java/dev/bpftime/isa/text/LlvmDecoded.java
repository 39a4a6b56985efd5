package dev.bpftime.isa.text;

/**
 * One instruction as llvm-objdump decodes it.
 *
 * @param size bytes it takes: 8, 16 for a 64-bit immediate load, or 0 where LLVM gives up without a
 *             size (fewer than 8 bytes left, or an lddw cut short), after which objdump skips one byte
 * @param text the printed form without leading tab or branch annotation; null for {@code <unknown>}
 * @param branch true when objdump annotates a branch target after the text
 * @param branchSlots for a branch: the distance in 8-byte slots from the next instruction
 */
public record LlvmDecoded(int size, String text, boolean branch, int branchSlots) {

    static LlvmDecoded unknown(int size) {
        return new LlvmDecoded(size, null, false, 0);
    }

    public boolean isUnknown() {
        return text == null;
    }
}
