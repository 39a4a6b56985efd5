package dev.bpftime.jit;

/**
 * The one error compiling or linking raises for input it refuses. Compile errors name the instruction
 * by its slot ("at instruction N: ..."), link errors the relocation; both say "actual X vs expected Y".
 */
public final class JitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int slot;

    public JitException(int slot, String reason) {
        super("at instruction " + slot + ": " + reason);
        this.slot = slot;
    }

    JitException(int slot, String reason, Throwable cause) {
        super("at instruction " + slot + ": " + reason, cause);
        this.slot = slot;
    }

    /** The slot (8-byte unit) of the refused instruction. */
    public int slot() {
        return slot;
    }
}
