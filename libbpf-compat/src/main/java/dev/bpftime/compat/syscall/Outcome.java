package dev.bpftime.compat.syscall;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.FileView;

/**
 * What a successful command returns: a value, or a new descriptor for an object. For a descriptor
 * the command has already taken the reference the descriptor will hold.
 */
public record Outcome(long value, BpfObject newFdFor, FileView view) {

    public Outcome(long value, BpfObject newFdFor) {
        this(value, newFdFor, null);
    }

    public static Outcome value(long value) {
        return new Outcome(value, null);
    }

    public static Outcome newFd(BpfObject object) {
        return new Outcome(0, object);
    }

    /** A new descriptor whose file carries {@code view} (closed with the descriptor's last copy). */
    public static Outcome newFd(BpfObject object, FileView view) {
        return new Outcome(0, object, view);
    }
}
