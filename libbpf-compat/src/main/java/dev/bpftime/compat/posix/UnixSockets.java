package dev.bpftime.compat.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Unix SOCK_SEQPACKET sockets as the service uses them: a listening socket, peer credentials,
 * messages that may carry one file descriptor (SCM_RIGHTS). Struct layouts are LP64 Linux's
 * (include/linux/socket.h: struct msghdr, struct cmsghdr; include/uapi/linux/un.h).
 */
public final class UnixSockets {

    /** SO_PEERCRED's struct ucred: the peer's pid (in our pid namespace), uid and gid at connect time. */
    public record PeerCred(int pid, int uid, int gid) {
    }

    private static final int SUN_PATH_MAX = 108;
    private static final int MSGHDR_SIZE = 56;
    private static final int IOVEC_SIZE = 16;
    private static final int CMSG_HEADER = 16;
    /** CMSG_SPACE(sizeof(int)): a header and one int, padded to 8. */
    private static final int CMSG_SPACE_ONE_FD = 24;
    private static final int CMSG_LEN_ONE_FD = 20;
    /** Room for the descriptors a misbehaving peer might send (they are closed on receipt). */
    private static final int CONTROL_ROOM = 256;

    private UnixSockets() {
    }

    /** A non-blocking listening socket bound to {@code path}, which must not exist. */
    public static int listen(Path path) {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH_MAX) {
            throw new IllegalArgumentException("socket path too long: actual " + name.length
                    + " bytes vs expected at most " + (SUN_PATH_MAX - 1) + ": " + path);
        }
        byte[] address = new byte[2 + SUN_PATH_MAX];
        address[0] = (byte) LibC.AF_UNIX;
        System.arraycopy(name, 0, address, 2, name.length);
        int fd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC | LibC.SOCK_NONBLOCK, 0);
        try {
            LibC.bind(fd, address, address.length);
            LibC.listen(fd, 128);
            return fd;
        } catch (LastErrorException e) {
            LibC.closeQuietly(fd);
            throw e;
        }
    }

    /** The next pending connection, non-blocking and close-on-exec, or -1 when none is pending. */
    public static int accept(int listenFd) {
        try {
            return LibC.accept4(listenFd, null, null, LibC.SOCK_CLOEXEC | LibC.SOCK_NONBLOCK);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EAGAIN || e.getErrorCode() == Errno.EINTR) {
                return -1;
            }
            throw e;
        }
    }

    public static PeerCred peer(int fd) {
        byte[] cred = new byte[12];
        LibC.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_PEERCRED, cred, new int[] {cred.length});
        ByteBuffer b = ByteBuffer.wrap(cred).order(ByteOrder.nativeOrder());
        return new PeerCred(b.getInt(0), b.getInt(4), b.getInt(8));
    }

    /** A connected pair {kept end, given end}, both close-on-exec and blocking. */
    public static int[] seqpacketPair() {
        int[] fds = new int[2];
        LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0, fds);
        return fds;
    }

    /**
     * Receives one message without blocking into {@code buffer}. Returns its length, 0 at end of
     * stream, or -1 when nothing is pending. Descriptors that came with it are closed: our peers
     * never send any, and keeping them would leak.
     */
    public static int receive(int fd, Memory buffer) {
        Scratch s = Scratch.get();
        Memory header = s.header;
        Memory iov = s.iovecs;
        Memory control = s.control;
        header.clear(MSGHDR_SIZE);
        iov.setPointer(0, buffer);
        iov.setLong(8, buffer.size());
        header.setPointer(16, iov);
        header.setLong(24, 1);
        header.setPointer(32, control);
        header.setLong(40, CONTROL_ROOM);
        long n;
        try {
            n = LibC.recvmsg(fd, header, LibC.MSG_DONTWAIT | LibC.MSG_CMSG_CLOEXEC);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EAGAIN || e.getErrorCode() == Errno.EINTR) {
                return -1;
            }
            throw e;
        }
        closeReceivedDescriptors(control, header.getLong(40));
        if ((header.getInt(48) & LibC.MSG_TRUNC) != 0) {
            throw new LastErrorException(Errno.EPROTO);
        }
        return (int) n;
    }

    private static void closeReceivedDescriptors(Memory control, long length) {
        long at = 0;
        while (at + CMSG_HEADER <= length) {
            long cmsgLen = control.getLong(at);
            if (cmsgLen < CMSG_HEADER || at + cmsgLen > length) {
                return;
            }
            if (control.getInt(at + 8) == LibC.SOL_SOCKET && control.getInt(at + 12) == LibC.SCM_RIGHTS) {
                for (long p = at + CMSG_HEADER; p + 4 <= at + cmsgLen; p += 4) {
                    LibC.closeQuietly(control.getInt(p));
                }
            }
            at += (cmsgLen + 7) & ~7L;
        }
    }

    /**
     * Sends one message, with {@code passFd} attached when it is not negative. Never blocks (the peer
     * waits for exactly this reply, so its queue has room) and never raises SIGPIPE.
     */
    public static void send(int fd, byte[] message, int passFd) {
        Scratch s = Scratch.get();
        Memory header = s.header;
        Memory iov = s.iovecs;
        Memory data = s.data(Math.max(1, message.length));
        Memory control = s.control;
        header.clear(MSGHDR_SIZE);
        data.write(0, message, 0, message.length);
        iov.setPointer(0, data);
        iov.setLong(8, message.length);
        header.setPointer(16, iov);
        header.setLong(24, 1);
        if (passFd >= 0) {
            control.clear(CMSG_SPACE_ONE_FD);
            control.setLong(0, CMSG_LEN_ONE_FD);
            control.setInt(8, LibC.SOL_SOCKET);
            control.setInt(12, LibC.SCM_RIGHTS);
            control.setInt(16, passFd);
            header.setPointer(32, control);
            header.setLong(40, CMSG_SPACE_ONE_FD);
        }
        LibC.sendmsg(fd, header, LibC.MSG_NOSIGNAL | LibC.MSG_DONTWAIT);
    }
}
