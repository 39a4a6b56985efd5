package dev.bpftime.compat.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Platform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An epoll instance. struct epoll_event is packed on x86-64 (12 bytes, data at offset 4) and
 * naturally aligned elsewhere (16 bytes, data at 8): include/uapi/linux/eventpoll.h, EPOLL_PACKED.
 */
public final class Epoll implements AutoCloseable {

    private static final boolean PACKED = Platform.isIntel() && Platform.is64Bit();
    private static final int EVENT_SIZE = PACKED ? 12 : 16;
    private static final int DATA_OFFSET = PACKED ? 4 : 8;

    /** One ready descriptor: its events and the data it was added with. */
    public record Event(int events, long data) {
    }

    private final int fd;
    private final Memory ready;
    private final int capacity;

    public Epoll(int capacity) {
        this.fd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        this.capacity = capacity;
        this.ready = new Memory((long) EVENT_SIZE * capacity);
    }

    /** The epoll descriptor itself, which can be watched by another epoll. */
    public int fd() {
        return fd;
    }

    public void add(int target, int events, long data) {
        byte[] event = new byte[EVENT_SIZE];
        ByteBuffer b = ByteBuffer.wrap(event).order(ByteOrder.nativeOrder());
        b.putInt(0, events);
        b.putLong(DATA_OFFSET, data);
        LibC.epoll_ctl(fd, LibC.EPOLL_CTL_ADD, target, event);
    }

    public void remove(int target) {
        try {
            LibC.epoll_ctl(fd, LibC.EPOLL_CTL_DEL, target, new byte[EVENT_SIZE]);
        } catch (LastErrorException e) {
            // Already gone (closed descriptors leave the set by themselves).
        }
    }

    /** Waits up to {@code timeoutMs} (-1: forever, 0: poll) and returns the ready descriptors. */
    public Event[] await(int timeoutMs) {
        int n;
        try {
            n = LibC.epoll_wait(fd, ready, capacity, timeoutMs);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EINTR) {
                return new Event[0];
            }
            throw e;
        }
        Event[] out = new Event[n];
        for (int i = 0; i < n; i++) {
            long base = (long) i * EVENT_SIZE;
            out[i] = new Event(ready.getInt(base), ready.getLong(base + DATA_OFFSET));
        }
        return out;
    }

    @Override
    public void close() {
        LibC.closeQuietly(fd);
    }
}
