package dev.bpftime.isa;

/**
 * The one error decoding raises for malformed instruction bytes. The message names the slot
 * ("at instruction N") and says "actual X vs expected Y".
 */
public final class DecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int slot;

    public DecodeException(int slot, String reason) {
        super("at instruction " + slot + ": " + reason);
        this.slot = slot;
    }

    /** The slot (8-byte unit) where the malformed instruction starts; -1 for the stream as a whole. */
    public int slot() {
        return slot;
    }
}
