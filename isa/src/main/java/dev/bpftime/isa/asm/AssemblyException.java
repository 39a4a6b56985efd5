package dev.bpftime.isa.asm;

/**
 * The one error the {@link Assembler} raises. The message names the line ("line N: ") and, where
 * bpf_conformance's negative tests expect a phrase, starts with it ("Invalid register: ...");
 * otherwise it says "actual X vs expected Y".
 */
public final class AssemblyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final String reason;

    public AssemblyException(int line, String reason) {
        super("line " + line + ": " + reason);
        this.line = line;
        this.reason = reason;
    }

    /** The 1-based line of the source the error is about. */
    public int line() {
        return line;
    }

    /** The message without the line prefix. */
    public String reason() {
        return reason;
    }
}
