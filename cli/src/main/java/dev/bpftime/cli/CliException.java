package dev.bpftime.cli;

/**
 * A failure the user can act on (bad input, unreadable file). {@link Main} prints its message as
 * "bpftime: message" with no stack trace and exits with 1. The message names what and where.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
