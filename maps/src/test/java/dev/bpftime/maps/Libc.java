package dev.bpftime.maps;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** What tests need from libc and from memfds: reading an eventfd, mapping a memfd range, mmap(2) itself. */
final class Libc {
    static {
        Native.register(Libc.class, NativeLibrary.getInstance("c"));
    }

    private Libc() {
    }

    private static native long read(int fd, byte[] buf, long count) throws LastErrorException;

    private static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    private static native Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset)
            throws LastErrorException;

    static native int munmap(Pointer addr, long length) throws LastErrorException;

    /** mmap(NULL, length, PROT_READ [| PROT_WRITE], MAP_SHARED or MAP_PRIVATE, fd, offset) */
    static Pointer mmap(long length, boolean writable, boolean shared, int fd, long offset) {
        return mmap(null, length, writable ? 3 : 1, shared ? 1 : 2, fd, offset);
    }

    /** open(path, O_RDONLY | O_CLOEXEC) */
    static int open(String path) {
        return open(path, 0x80000);
    }

    /** The eventfd's counter, resetting it; 0 when it was not signalled (it is non-blocking). */
    static long drainEventfd(int fd) {
        byte[] b = new byte[8];
        try {
            return read(fd, b, 8) == 8 ? Bytes.u64(b, 0) : 0;
        } catch (LastErrorException e) {
            return 0;
        }
    }

    /** Maps [offset, offset + length) of an fd this process holds, little-endian. */
    static MappedByteBuffer map(int fd, long offset, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, offset, length);
            b.order(ByteOrder.LITTLE_ENDIAN);
            return b;
        }
    }
}
