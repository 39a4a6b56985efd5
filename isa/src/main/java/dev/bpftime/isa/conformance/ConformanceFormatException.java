package dev.bpftime.isa.conformance;

/**
 * A .data file that is not a well-formed bpf_conformance test: an unknown directive, no instructions,
 * no expected outcome, a malformed hex or number. Names the file and, when it is about one, the line.
 * (Bad assembly is an {@link dev.bpftime.isa.asm.AssemblyException}, bad raw bytes a
 * {@link dev.bpftime.isa.DecodeException}.)
 */
public final class ConformanceFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;

    public ConformanceFormatException(String file, int line, String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason);
        this.file = file;
        this.line = line;
    }

    public String file() {
        return file;
    }

    /** The 1-based line, or 0 when the problem is the file as a whole. */
    public int line() {
        return line;
    }
}
