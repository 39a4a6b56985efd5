package dev.bpftime.isa;

/** The access width in bits 3-4 of a load or store opcode (RFC 9669 section 5.1). */
public enum Size {
    W(0x00, 4), H(0x08, 2), B(0x10, 1), DW(0x18, 8);

    private static final Size[] BY_CODE = {W, H, B, DW};
    private final int code;
    private final int bytes;

    Size(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    public int code() {
        return code;
    }

    public int bytes() {
        return bytes;
    }

    public static Size of(int opcode) {
        return BY_CODE[(opcode & 0x18) >> 3];
    }

    public static Size ofBytes(int bytes) {
        for (Size s : BY_CODE) {
            if (s.bytes == bytes) {
                return s;
            }
        }
        throw new IllegalArgumentException("access size: actual " + bytes + " vs expected 1, 2, 4 or 8");
    }
}
