package dev.bpftime.maps;

/**
 * A map operation refused with the errno the kernel gives in the same case. The syscall layer
 * returns {@link #errno()} to the caller as is; the message says what was refused and why.
 */
public final class MapException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public MapException(int errno, String message) {
        super(message + " (" + Errno.describe(errno) + ")");
        this.errno = Math.abs(errno);
    }

    public MapException(Errno errno, String message) {
        this(errno.code(), message);
    }

    /** The positive errno number, e.g. 17 for EEXIST. */
    public int errno() {
        return errno;
    }

    public boolean is(Errno e) {
        return errno == e.code();
    }
}
