package dev.bpftime.isa;

/** The operation in bits 4-7 of a JMP or JMP32 opcode (RFC 9669 section 4.3). */
public enum JumpOp {
    JA(0x00), JEQ(0x10), JGT(0x20), JGE(0x30), JSET(0x40), JNE(0x50), JSGT(0x60), JSGE(0x70),
    CALL(0x80), EXIT(0x90), JLT(0xa0), JLE(0xb0), JSLT(0xc0), JSLE(0xd0);

    private static final JumpOp[] BY_CODE = new JumpOp[16];

    static {
        for (JumpOp op : values()) {
            BY_CODE[op.code >> 4] = op;
        }
    }

    private final int code;

    JumpOp(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public boolean isConditional() {
        return this != JA && this != CALL && this != EXIT;
    }

    public boolean isSigned() {
        return this == JSGT || this == JSGE || this == JSLT || this == JSLE;
    }

    /** The operation of a jump opcode, or null for the unassigned codes 0xe0 and 0xf0. */
    public static JumpOp ofOrNull(int opcode) {
        return BY_CODE[(opcode & 0xf0) >> 4];
    }
}
