package dev.bpftime.vm;

/**
 * A program the VM refused to load, or one that stopped before its exit. The message names the
 * instruction ("at instruction N: ...").
 */
public final class VmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final VmStatus status;
    private final int instruction;

    public VmException(VmStatus status, int instruction, String message) {
        super(message);
        this.status = status;
        this.instruction = instruction;
    }

    public VmStatus status() {
        return status;
    }

    /** The slot of the refused or faulting instruction; -1 when the error concerns the whole program. */
    public int instruction() {
        return instruction;
    }
}
