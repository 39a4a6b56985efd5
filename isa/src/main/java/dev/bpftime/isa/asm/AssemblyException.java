package dev.bpftime.isa.asm;

/**
 * The one error the {@link Assembler} raises. The message names the line ("line N: ", or "file:N: "
 * when the file is known), starts with the phrase bpf_conformance's assembler uses for that error
 * ("Invalid register: ", "Invalid number of operands for lock: ") and says "actual X vs expected Y".
 */
public final class AssemblyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String reason;

    public AssemblyException(int line, String reason) {
        this(null, line, reason);
    }

    /** {@code source} names the text (a file name) in the message; null when it has none. */
    public AssemblyException(String source, int line, String reason) {
        super((source == null ? "line " : source + ":") + line + ": " + reason);
        this.source = source;
        this.line = line;
        this.reason = reason;
    }

    /** The file the text came from, or null. */
    public String source() {
        return source;
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
