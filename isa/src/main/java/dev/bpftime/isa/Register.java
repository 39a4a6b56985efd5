package dev.bpftime.isa;

/**
 * The eleven registers. R0 holds return values, R1-R5 arguments, R6-R9 are callee-saved and R10 is
 * the read-only frame pointer (RFC 9669 section 2.4).
 */
public enum Register {
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10;

    /** The frame pointer. */
    public static final Register FP = R10;

    private static final Register[] BY_INDEX = values();

    public int index() {
        return ordinal();
    }

    /** The register with that 4-bit field value; null for 11 to 15, which no valid instruction uses. */
    public static Register ofOrNull(int index) {
        return index >= 0 && index < BY_INDEX.length ? BY_INDEX[index] : null;
    }

    public static Register of(int index) {
        Register r = ofOrNull(index);
        if (r == null) {
            throw new IllegalArgumentException("bad register: actual " + index + " vs expected 0..10");
        }
        return r;
    }

    @Override
    public String toString() {
        return "r" + ordinal();
    }
}
