package dev.bpftime.vm;

/** Why a program did not run to its exit (enum bpftime_vm_status in bpftime_vm.h), or why it was refused. */
public enum VmStatus {
    /** The loader refused the program before it could run. */
    REFUSED(-1),
    OK(0),
    NOT_LOADED(1),
    /** Bounds-checking mode: a load outside the stack frames, the context and the registered regions. */
    LOAD_OUT_OF_BOUNDS(2),
    /** Bounds-checking mode: a store or atomic outside the stack frames, the context and the registered regions. */
    STORE_OUT_OF_BOUNDS(3),
    /** A ninth nested bpf-to-bpf call. */
    CALL_DEPTH(4),
    /** A call of a helper id with no function registered. */
    UNKNOWN_HELPER(5),
    /** Bounds-checking mode: the instruction limit was reached. */
    INSTRUCTION_LIMIT(6),
    INVALID_INSTRUCTION(7);

    private final int code;

    VmStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    static VmStatus of(int code) {
        for (VmStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("VM status: actual " + code + " vs expected 0..7");
    }
}
