package dev.bpftime.compat.syscall;

import dev.bpftime.compat.objects.BpfObject;

/**
 * What a successful command returns: a value, or a new descriptor for an object. For a descriptor
 * the command has already taken the reference the descriptor will hold.
 */
public record Outcome(long value, BpfObject newFdFor) {

    public static Outcome value(long value) {
        return new Outcome(value, null);
    }

    public static Outcome newFd(BpfObject object) {
        return new Outcome(0, object);
    }
}
