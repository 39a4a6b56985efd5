package dev.bpftime.jit.x86;

/**
 * The sixteen x86-64 general-purpose registers in encoding order. The low three bits of the number go
 * into ModRM/SIB fields, the fourth into a REX prefix bit (Intel SDM vol. 2, section 2.2.1).
 */
public enum Reg {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15;

    /** The 4-bit register number. */
    public int number() {
        return ordinal();
    }

    /** The three bits that go into ModRM.reg, ModRM.rm, SIB.index or SIB.base. */
    int low3() {
        return ordinal() & 7;
    }

    /** True for R8-R15, which need a REX.R, REX.X or REX.B bit. */
    boolean extended() {
        return ordinal() >= 8;
    }

    /**
     * True when the byte form of this register (spl, bpl, sil, dil) needs a REX prefix: without one,
     * numbers 4-7 name ah, ch, dh, bh.
     */
    boolean byteNeedsRex() {
        int n = ordinal();
        return n >= 4 && n <= 7;
    }

    /** The name objdump prints for the 64-bit register. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
