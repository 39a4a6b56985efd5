package dev.bpftime.compat.syscall;

import dev.bpftime.compat.posix.Errno;
import java.io.ByteArrayOutputStream;

/**
 * The process that made a bpf() call, as the commands see it: its memory and its descriptors. The
 * service implements it over process_vm_readv/writev and /proc; tests implement it in memory.
 */
public interface Caller {

    int pid();

    /** The effective uid the call runs with (bpf_prog_info.created_by_uid). */
    int uid();

    /**
     * Reads up to {@code length} bytes at {@code address} into {@code dst}; returns how many bytes from
     * the start were readable (fewer than asked means the rest faulted).
     */
    int readPrefix(long address, byte[] dst, int offset, int length) throws BpfException;

    /** Writes {@code length} bytes, or throws EFAULT as the kernel's copy_to_user would. */
    void write(long address, byte[] src, int offset, int length) throws BpfException;

    /** What descriptor {@code fd} of the caller is. */
    FdRef fd(int fd);

    /** Whether a task {@code pid} exists, as find_vpid sees it (BPF_TASK_FD_QUERY). */
    default boolean taskExists(int pid) {
        return pid == pid();
    }

    /** What descriptor {@code fd} of task {@code pid} is (BPF_TASK_FD_QUERY's fget_task). */
    default FdRef fdOfTask(int pid, int fd) {
        return pid == pid() ? fd(fd) : new FdRef.Missing(fd);
    }

    /**
     * Runs {@code work}, which touches no service state (a test run's program on its own engine), so
     * that other clients are served meanwhile: the service gives up its lock for it. By default, and
     * in tests, it simply runs.
     */
    default <T> T unlocked(java.util.function.Supplier<T> work) {
        return work.get();
    }

    /** Reads exactly {@code length} bytes, or throws EFAULT as the kernel's copy_from_user would. */
    default byte[] read(long address, int length, String what) throws BpfException {
        byte[] out = new byte[length];
        int n = readPrefix(address, out, 0, length);
        if (n < length) {
            throw new BpfException(Errno.EFAULT, what + " at 0x" + Long.toHexString(address)
                    + ": actual " + n + " readable bytes vs expected " + length);
        }
        return out;
    }

    default void write(long address, byte[] src, String what) throws BpfException {
        write(address, src, 0, src.length);
    }

    /**
     * A NUL-terminated string of at most {@code max} bytes, as the kernel's strncpy_from_user: EFAULT
     * only when a fault comes before the NUL or the limit. Reads page by page so that a string ending
     * just before an unmapped page is fine.
     */
    default byte[] readCString(long address, int max, String what) throws BpfException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long at = address;
        while (out.size() < max) {
            int chunk = (int) Math.min(max - out.size(), 4096 - (at & 4095));
            byte[] buf = new byte[chunk];
            int n = readPrefix(at, buf, 0, chunk);
            for (int i = 0; i < n; i++) {
                if (buf[i] == 0) {
                    return out.toByteArray();
                }
                out.write(buf[i]);
            }
            if (n < chunk) {
                throw new BpfException(Errno.EFAULT, what + " at 0x" + Long.toHexString(address)
                        + ": unreadable after " + out.size() + " bytes, before its terminating NUL");
            }
            at += chunk;
        }
        return out.toByteArray();
    }
}
