package dev.bpftime.compat.syscall;

import dev.bpftime.compat.posix.Errno;

/**
 * A bpf() call refused with an errno, the wire contract with libbpf. The message says why, for the
 * service log; the app sees only the errno, as it would from the kernel.
 */
public final class BpfException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String reason;

    public BpfException(int errno, String reason) {
        // No stack trace: a refusal is an answer, not a bug, and libbpf's probes make many of them.
        super(Errno.name(errno) + ": " + reason, null, false, false);
        this.errno = errno;
        this.reason = reason;
    }

    public int errno() {
        return errno;
    }

    /** The message without the errno name: for the verifier log, which carries the kernel's wording. */
    public String reason() {
        return reason;
    }
}
