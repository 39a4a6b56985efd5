package dev.bpftime.isa;

/** The operation in bits 4-7 of an ALU or ALU64 opcode (RFC 9669 section 4.1). */
public enum AluOp {
    ADD(0x00), SUB(0x10), MUL(0x20), DIV(0x30), OR(0x40), AND(0x50), LSH(0x60), RSH(0x70),
    NEG(0x80), MOD(0x90), XOR(0xa0), MOV(0xb0), ARSH(0xc0),
    /** Byte swap: to-le/to-be in the ALU class, unconditional bswap in ALU64 (v4). */
    END(0xd0);

    private static final AluOp[] BY_CODE = new AluOp[16];

    static {
        for (AluOp op : values()) {
            BY_CODE[op.code >> 4] = op;
        }
    }

    private final int code;

    AluOp(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The operation of an ALU opcode, or null for the unassigned codes 0xe0 and 0xf0. */
    public static AluOp ofOrNull(int opcode) {
        return BY_CODE[(opcode & 0xf0) >> 4];
    }
}
