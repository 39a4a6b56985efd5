package dev.bpftime.compat.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * Another process's memory through process_vm_readv/process_vm_writev (mm/process_vm_access.c):
 * the kernel checks PTRACE_MODE_ATTACH_REALCREDS, so the caller must be the same user and, under
 * Yama ptrace_scope 1, the target's declared ptracer.
 */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /**
     * Reads {@code length} bytes at {@code address} of process {@code pid} into {@code dst}; returns how
     * many bytes were readable from the start (fewer than asked: the rest faulted).
     *
     * @throws LastErrorException EPERM (not allowed), ESRCH (no such process), EFAULT (nothing readable)
     */
    public static int read(int pid, long address, byte[] dst, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        Scratch s = Scratch.get();
        Memory local = s.data(length);
        Memory iovs = s.iovecs;
        iovs.setPointer(0, local);
        iovs.setLong(8, length);
        iovs.setLong(16, address);
        iovs.setLong(24, length);
        long n = LibC.process_vm_readv(pid, iovs, 1, iovs.share(16), 1, 0);
        local.read(0, dst, offset, (int) n);
        return (int) n;
    }

    /** Writes {@code length} bytes of {@code src} at {@code address}; returns how many were written. */
    public static int write(int pid, long address, byte[] src, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        Scratch s = Scratch.get();
        Memory local = s.data(length);
        Memory iovs = s.iovecs;
        local.write(0, src, offset, length);
        iovs.setPointer(0, local);
        iovs.setLong(8, length);
        iovs.setLong(16, address);
        iovs.setLong(24, length);
        return (int) LibC.process_vm_writev(pid, iovs, 1, iovs.share(16), 1, 0);
    }
}
