package dev.bpftime.compat.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc calls the service needs and Java lacks: unix sockets with SO_PEERCRED and SCM_RIGHTS,
 * socketpair, epoll, process_vm_readv/writev. JNA direct mapping (one native call, no proxy); every
 * failing call throws {@link LastErrorException} carrying errno. Constants are Linux's generic ones
 * (x86-64 and aarch64 agree on all of them).
 */
public final class LibC {

    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    public static final int AF_UNIX = 1;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_PEERCRED = 17;
    public static final int SCM_RIGHTS = 1;
    public static final int MSG_CTRUNC = 0x8;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;

    public static final int EPOLL_CLOEXEC = 0x80000;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLLIN = 0x1;
    public static final int EPOLLERR = 0x8;
    public static final int EPOLLHUP = 0x10;
    public static final int EPOLLRDHUP = 0x2000;

    public static final int CLOCK_BOOTTIME = 7;
    public static final int SC_PAGESIZE = 30;

    private LibC() {
    }

    public static native int socket(int domain, int type, int protocol) throws LastErrorException;

    public static native int bind(int fd, byte[] address, int length) throws LastErrorException;

    public static native int listen(int fd, int backlog) throws LastErrorException;

    public static native int accept4(int fd, Pointer address, Pointer length, int flags) throws LastErrorException;

    public static native int getsockopt(int fd, int level, int name, byte[] value, int[] length)
            throws LastErrorException;

    public static native int socketpair(int domain, int type, int protocol, int[] fds) throws LastErrorException;

    public static native long sendmsg(int fd, Pointer message, int flags) throws LastErrorException;

    public static native long recvmsg(int fd, Pointer message, int flags) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    public static native int epoll_create1(int flags) throws LastErrorException;

    /** poll(2) on one struct pollfd {int fd; short events; short revents} (8 bytes). */
    public static native int poll(Pointer fds, long count, int timeoutMs) throws LastErrorException;

    public static native int epoll_ctl(int epfd, int op, int fd, byte[] event) throws LastErrorException;

    public static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMs)
            throws LastErrorException;

    public static native long process_vm_readv(int pid, Pointer local, long localCount, Pointer remote,
            long remoteCount, long flags) throws LastErrorException;

    public static native long process_vm_writev(int pid, Pointer local, long localCount, Pointer remote,
            long remoteCount, long flags) throws LastErrorException;

    public static native int clock_gettime(int clock, long[] timespec) throws LastErrorException;

    public static native long sysconf(int name);

    public static native int geteuid();

    public static native int getegid();

    public static native int getpid();

    /** Closes quietly: for cleanup paths where the descriptor is being abandoned anyway. */
    public static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            close(fd);
        } catch (LastErrorException ignored) {
            // EBADF or EINTR: the descriptor is gone either way.
        }
    }
}
