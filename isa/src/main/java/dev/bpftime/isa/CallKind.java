package dev.bpftime.isa;

/** What the source field of a call instruction means (RFC 9669 section 4.3.1, BPF_PSEUDO_*_CALL). */
public enum CallKind {
    /** imm is a helper id. */
    HELPER(0),
    /** BPF_PSEUDO_CALL: imm is the offset, in slots, of a local function from the next instruction. */
    LOCAL(1),
    /** BPF_PSEUDO_KFUNC_CALL: imm is a BTF id of a kernel function, off an index into fd_array for module BTF. */
    KFUNC(2);

    private final int code;

    CallKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static CallKind ofOrNull(int code) {
        return code >= 0 && code < 3 ? values()[code] : null;
    }
}
