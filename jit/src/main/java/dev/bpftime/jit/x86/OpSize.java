package dev.bpftime.jit.x86;

/** Operand sizes: the 0x66 prefix selects 16 bits, REX.W 64 bits, distinct opcodes 8 bits. */
public enum OpSize {
    BYTE(1), WORD(2), DWORD(4), QWORD(8);

    private final int bytes;

    OpSize(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    public static OpSize of(boolean is64) {
        return is64 ? QWORD : DWORD;
    }

    public static OpSize ofBytes(int bytes) {
        return switch (bytes) {
            case 1 -> BYTE;
            case 2 -> WORD;
            case 4 -> DWORD;
            case 8 -> QWORD;
            default -> throw new IllegalArgumentException("operand size: actual " + bytes + " vs expected 1, 2, 4 or 8");
        };
    }
}
