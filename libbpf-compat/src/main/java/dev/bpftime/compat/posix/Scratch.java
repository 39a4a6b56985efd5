package dev.bpftime.compat.posix;

import com.sun.jna.Memory;

/**
 * Native buffers reused by the calls of one thread (the service has one), so that a bpf() round trip
 * allocates no native memory: a JNA Memory costs a malloc and a cleaner registration each.
 */
final class Scratch {

    private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

    final Memory header = new Memory(64);
    final Memory iovecs = new Memory(32);
    final Memory control = new Memory(256);
    private Memory data = new Memory(64 * 1024 + 256);

    static Scratch get() {
        return PER_THREAD.get();
    }

    /** A data buffer of at least {@code size} bytes (grown, never shrunk). */
    Memory data(long size) {
        if (data.size() < size) {
            data = new Memory(Math.max(size, data.size() * 2));
        }
        return data;
    }
}
