package dev.bpftime.isa;

/**
 * The three low bits of every opcode (RFC 9669 section 3.1).
 *
 * <pre>
 *   7 6 5 4 3 2 1 0
 *  +-+-+-+-+-+-+-+-+
 *  |  (class-      |
 *  |  specific)|cls|
 *  +-+-+-+-+-+-+-+-+
 * </pre>
 */
public enum InstructionClass {
    LD(0x00), LDX(0x01), ST(0x02), STX(0x03), ALU(0x04), JMP(0x05), JMP32(0x06), ALU64(0x07);

    private static final InstructionClass[] BY_CODE = values();
    private final int code;

    InstructionClass(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static InstructionClass of(int opcode) {
        return BY_CODE[opcode & 0x07];
    }

    public boolean isAlu() {
        return this == ALU || this == ALU64;
    }

    public boolean isJump() {
        return this == JMP || this == JMP32;
    }

    public boolean isLoad() {
        return this == LD || this == LDX;
    }

    public boolean isStore() {
        return this == ST || this == STX;
    }
}
