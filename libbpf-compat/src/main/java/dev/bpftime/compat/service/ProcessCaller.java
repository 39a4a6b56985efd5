package dev.bpftime.compat.service;

import com.sun.jna.LastErrorException;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.posix.ProcessMemory;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.FdRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A calling process seen through the kernel: its memory with process_vm_readv/writev, its descriptors
 * with readlink(/proc/<pid>/fd/<n>). The pid is the connection's SO_PEERCRED pid, in the service's
 * pid namespace, never a number the client claims.
 */
final class ProcessCaller implements Caller {

    private final int pid;
    private final int uid;
    private final HandleTable handles;
    private final ReentrantLock serviceLock;
    /** Copies of the caller's memory the shim sent with the request (Wire.F_INLINE); none: empty arrays. */
    private long inlineAt1;
    private byte[] inline1 = NONE;
    private long inlineAt2;
    private byte[] inline2 = NONE;
    private static final byte[] NONE = new byte[0];

    ProcessCaller(int pid, int uid, HandleTable handles, ReentrantLock serviceLock) {
        this.pid = pid;
        this.uid = uid;
        this.handles = handles;
        this.serviceLock = serviceLock;
    }

    /**
     * Serves reads that lie within these copies (taken by the shim in this call, before the service
     * saw it) from them rather than with process_vm_readv; a read they do not cover reads the memory,
     * so a fault still gives the kernel's EFAULT. Until {@link #forgetInline}.
     */
    void offerInline(long at1, byte[] bytes1, long at2, byte[] bytes2) {
        inlineAt1 = at1;
        inline1 = bytes1;
        inlineAt2 = at2;
        inline2 = bytes2;
    }

    void forgetInline() {
        inline1 = NONE;
        inline2 = NONE;
    }

    private static boolean covers(long at, byte[] copy, long address, int length) {
        return copy.length > 0 && address - at >= 0 && address - at <= copy.length - length;
    }

    /** Runs work without the service lock (held once by this request's worker), then takes it back. */
    @Override
    public <T> T unlocked(Supplier<T> work) {
        if (!serviceLock.isHeldByCurrentThread() || serviceLock.getHoldCount() != 1) {
            return work.get();
        }
        serviceLock.unlock();
        try {
            return work.get();
        } finally {
            serviceLock.lock();
        }
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public int uid() {
        return uid;
    }

    @Override
    public int readPrefix(long address, byte[] dst, int offset, int length) throws BpfException {
        if (covers(inlineAt1, inline1, address, length)) {
            System.arraycopy(inline1, (int) (address - inlineAt1), dst, offset, length);
            return length;
        }
        if (covers(inlineAt2, inline2, address, length)) {
            System.arraycopy(inline2, (int) (address - inlineAt2), dst, offset, length);
            return length;
        }
        try {
            return ProcessMemory.read(pid, address, dst, offset, length);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EFAULT) {
                return 0;
            }
            throw new BpfException(e.getErrorCode() == Errno.ESRCH ? Errno.ESRCH : Errno.EPERM,
                    "process_vm_readv of pid " + pid + ": errno " + e.getErrorCode());
        }
    }

    @Override
    public void write(long address, byte[] src, int offset, int length) throws BpfException {
        // A copy must not outlive a write into the memory it copies (a later read would see old bytes).
        forgetInline();
        int n;
        try {
            n = ProcessMemory.write(pid, address, src, offset, length);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Errno.EFAULT) {
                throw new BpfException(e.getErrorCode() == Errno.ESRCH ? Errno.ESRCH : Errno.EPERM,
                        "process_vm_writev of pid " + pid + ": errno " + e.getErrorCode());
            }
            n = 0;
        }
        if (n < length) {
            throw new BpfException(Errno.EFAULT, "writing " + length + " bytes at 0x" + Long.toHexString(address)
                    + ": only " + n + " were writable");
        }
    }

    @Override
    public FdRef fd(int fd) {
        return fdOfTask(pid, fd);
    }

    @Override
    public boolean taskExists(int task) {
        return task > 0 && Files.isDirectory(Path.of("/proc", Integer.toString(task)));
    }

    /** Any process's descriptor as /proc shows it to the service (same user: as the kernel's root sees it). */
    @Override
    public FdRef fdOfTask(int pid, int fd) {
        if (fd < 0) {
            return new FdRef.Missing(fd);
        }
        String link;
        try {
            link = Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "fd", Integer.toString(fd))).toString();
        } catch (NoSuchFileException e) {
            return new FdRef.Missing(fd);
        } catch (IOException e) {
            return new FdRef.Foreign(fd, "unreadable: " + e.getMessage());
        }
        long inode = HandleTable.parseSocketInode(link);
        Handle h = inode < 0 ? null : handles.byInode(inode);
        return h == null ? new FdRef.Foreign(fd, link) : new FdRef.Object(fd, h.object(), h.view());
    }
}
