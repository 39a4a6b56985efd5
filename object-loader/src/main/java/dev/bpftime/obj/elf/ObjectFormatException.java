package dev.bpftime.obj.elf;

/**
 * The one error for a malformed object file. The message says which file, where in it (the ELF header,
 * a section by index and name, a symbol...), the byte offset, and what was found against what was
 * expected: {@code "x.o: section 3 (xdp) at byte offset 0x40: contents beyond end of file: actual end
 * 0x1200 vs expected at most 0x1000"}.
 */
public final class ObjectFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long offset;

    public ObjectFormatException(String file, String where, long offset, String problem) {
        super(file + ": " + where + " at byte offset 0x" + Long.toHexString(offset) + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    /** The file the error is about, as it was named when opened. */
    public String file() {
        return file;
    }

    /** The byte offset in the file where the malformed structure starts. */
    public long offset() {
        return offset;
    }
}
