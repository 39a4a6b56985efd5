package dev.bpftime.vm;

/** A helper function as the VM calls it: r1..r5 in, r0 out. */
@FunctionalInterface
public interface Helper {
    long call(long r1, long r2, long r3, long r4, long r5);
}
