package dev.bpftime.isa;

/**
 * The operation held in the immediate of an atomic store (RFC 9669 section 5.3). Bit 0 (FETCH)
 * makes the operation return the old value in the source register; XCHG and CMPXCHG always have it.
 */
public enum AtomicOp {
    ADD(0x00), OR(0x40), AND(0x50), XOR(0xa0), XCHG(0xe0 | AtomicOp.FETCH), CMPXCHG(0xf0 | AtomicOp.FETCH);

    public static final int FETCH = 0x01;

    private final int code;

    AtomicOp(int code) {
        this.code = code;
    }

    /** The immediate without the FETCH bit for ADD/OR/AND/XOR; with it for XCHG/CMPXCHG. */
    public int code() {
        return code;
    }

    /** The operation an atomic's immediate encodes, or null when it encodes none. */
    public static AtomicOp ofOrNull(int imm) {
        for (AtomicOp op : values()) {
            if (op.code == imm || ((op.code & FETCH) == 0 && (op.code | FETCH) == imm)) {
                return op;
            }
        }
        return null;
    }
}
