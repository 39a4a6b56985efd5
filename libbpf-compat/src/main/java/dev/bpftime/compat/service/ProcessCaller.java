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
    ProcessCaller(int pid, int uid, HandleTable handles, ReentrantLock serviceLock) {
        this.pid = pid;
        this.uid = uid;
        this.handles = handles;
        this.serviceLock = serviceLock;
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
