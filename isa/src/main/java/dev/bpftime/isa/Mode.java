package dev.bpftime.isa;

/** The addressing mode in bits 5-7 of a load or store opcode (RFC 9669 section 5.1). */
public enum Mode {
    /** 64-bit immediate load (lddw), LD class only. */
    IMM(0x00),
    /** Legacy packet access, LD class only. */
    ABS(0x20), IND(0x40),
    MEM(0x60),
    /** Sign-extending load, LDX class only (v4). */
    MEMSX(0x80),
    ATOMIC(0xc0);

    private final int code;

    Mode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The mode of a load/store opcode, or null for the unassigned codes 0xa0 and 0xe0. */
    public static Mode ofOrNull(int opcode) {
        int m = opcode & 0xe0;
        for (Mode mode : values()) {
            if (mode.code == m) {
                return mode;
            }
        }
        return null;
    }
}
