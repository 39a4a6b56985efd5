package dev.bpftime.isa.text;

import dev.bpftime.isa.Instruction;

/**
 * Instruction text exactly as LLVM 19's BPF printer writes it (llvm/lib/Target/BPF/BPFInstrInfo.td asm strings,
 * MCTargetDesc/BPFInstPrinter.cpp operands), e.g. {@code r1 = *(u64 *)(r10 - 0x8)}, {@code w0 = w1},
 * {@code if r1 > 0x5 goto +0x3}, {@code r0 = 0x1234 ll}, {@code lock *(u64 *)(r1 + 0x0) += r2}.
 *
 * <p>The text is what {@code llvm-objdump -d} prints after the raw bytes, without the leading tab and
 * without the {@code <symbol+0x..>} branch annotation that objdump itself appends. Immediates are in
 * LLVM's hex style ({@code 0x8}, {@code -0x8}); memory offsets print as {@code r1 - 0x8}. A 64-bit load
 * whose src asks for a map or another pseudo value prints as LLVM's {@code ld_pseudo\tr1, 0x1, 0x3}
 * (tab included), showing only the low half of the immediate.
 *
 * <p>Two dialects: the default is what {@code llvm-objdump-19 -d} prints for any object (LLVM's generic
 * CPU, no {@code alu32} feature); {@link #formatAlu32} is what it prints with {@code --mattr=+alu32} (as for
 * {@code -mcpu=v3/v4}), which shows 32-bit loads, stores and atomics with {@code w} registers.
 */
public final class LlvmSyntax {

    /** What llvm-objdump prints for bytes its decoder does not accept. */
    public static final String UNKNOWN = "<unknown>";

    private LlvmSyntax() {
    }

    /**
     * The text of {@code insn} as {@code llvm-objdump-19 -d} prints it, or {@link #UNKNOWN} where LLVM's
     * generic decoder has no such instruction: 32-bit atomics other than add exist only with alu32.
     */
    public static String format(Instruction insn) {
        return format(insn, false);
    }

    /** The text of {@code insn} as {@code llvm-objdump-19 -d --mattr=+alu32} prints it. */
    public static String formatAlu32(Instruction insn) {
        return format(insn, true);
    }

    private static String format(Instruction insn, boolean alu32) {
        String text = LlvmForms.text(insn.opcode().value(), insn.dst().index(), insn.src().index(),
                insn.offset(), insn.imm(), alu32);
        return text == null ? UNKNOWN : text;
    }

    /** An immediate as LLVM's C hex style prints it (MCInstPrinter::formatHex): 0x8, -0x8. */
    static String hex(long value) {
        if (value < 0) {
            return value == Long.MIN_VALUE ? "-0x8000000000000000" : "-0x" + Long.toHexString(-value);
        }
        return "0x" + Long.toHexString(value);
    }
}
