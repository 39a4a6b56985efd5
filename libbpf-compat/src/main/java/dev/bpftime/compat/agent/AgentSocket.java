package dev.bpftime.compat.agent;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Sends to an agent: blocking with a timeout (an agent's control thread reads at once; one that does
 * not read within the timeout is dropped) and with up to two descriptors (a map's memfd and eventfd).
 * The layouts are LP64 Linux's struct msghdr and cmsghdr, as in posix/UnixSockets.
 */
final class AgentSocket {

    static {
        Native.register(AgentSocket.class, "c");
    }

    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int O_NONBLOCK = 0x800;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int SO_SNDTIMEO = 21;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_NOSIGNAL = 0x4000;

    private static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    private static native int setsockopt(int fd, int level, int name, byte[] value, int length)
            throws LastErrorException;

    private static native long sendmsg(int fd, Pointer message, int flags) throws LastErrorException;

    private static native int memfd_create(String name, int flags) throws LastErrorException;

    private static native long write(int fd, Pointer data, long count) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    private static final int MFD_CLOEXEC = 1;

    private AgentSocket() {
    }

    /** Makes an accepted connection blocking for sends, with a send timeout and a large buffer. */
    static void prepare(int fd, int timeoutMs) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) & ~O_NONBLOCK);
        byte[] tv = new byte[16];
        java.nio.ByteBuffer.wrap(tv).order(java.nio.ByteOrder.nativeOrder()).putLong(timeoutMs / 1000)
                .putLong((timeoutMs % 1000) * 1000L);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, tv, tv.length);
        byte[] size = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(4 << 20).array();
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, size, size.length); // capped by net.core.wmem_max
    }

    /**
     * Sends one message with {@code fds} (none, one or two); throws with the errno when it cannot. A payload
     * larger than {@link AgentWire#INLINE_PAYLOAD_MAX} goes first, in a memfd ({@link AgentWire#PAYLOAD}).
     */
    static void send(int fd, byte[] message, int... fds) {
        int payload = message.length - AgentWire.HEADER;
        if (payload <= AgentWire.INLINE_PAYLOAD_MAX) {
            sendOne(fd, message, fds);
            return;
        }
        int memfd = memfd_create("bpftime-agent-payload", MFD_CLOEXEC);
        try {
            Memory data = new Memory(payload);
            data.write(0, message, AgentWire.HEADER, payload);
            for (long done = 0; done < payload;) {
                done += write(memfd, data.share(done), payload - done);
            }
            sendOne(fd, AgentWire.message(AgentWire.PAYLOAD, 0, 0, new long[] {payload}, new byte[0], 1), memfd);
        } finally {
            close(memfd);
        }
        byte[] header = java.util.Arrays.copyOf(message, AgentWire.HEADER);
        java.nio.ByteBuffer.wrap(header).order(java.nio.ByteOrder.nativeOrder()).putInt(56, 0);
        sendOne(fd, header, fds);
    }

    private static void sendOne(int fd, byte[] message, int... fds) {
        Memory data = new Memory(Math.max(1, message.length));
        data.write(0, message, 0, message.length);
        Memory iov = new Memory(16);
        iov.setPointer(0, data);
        iov.setLong(8, message.length);
        Memory header = new Memory(56);
        header.clear();
        header.setPointer(16, iov);
        header.setLong(24, 1);
        Memory control = null;
        if (fds.length > 0) {
            int len = 16 + 4 * fds.length;
            int space = (len + 7) & ~7;
            control = new Memory(space);
            control.clear();
            control.setLong(0, len);
            control.setInt(8, SOL_SOCKET);
            control.setInt(12, SCM_RIGHTS);
            for (int i = 0; i < fds.length; i++) {
                control.setInt(16 + 4L * i, fds[i]);
            }
            header.setPointer(32, control);
            header.setLong(40, space);
        }
        sendmsg(fd, header, MSG_NOSIGNAL);
    }
}
