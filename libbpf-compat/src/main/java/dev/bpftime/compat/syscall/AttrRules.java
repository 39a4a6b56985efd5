package dev.bpftime.compat.syscall;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.AttrLayout;
import dev.bpftime.compat.posix.Errno;
import java.util.Arrays;

/**
 * The size rules every bpf() call passes before its command runs (kernel/bpf/syscall.c):
 * <ul>
 *   <li>bpf_check_uarg_tail_zero: a size above a page is E2BIG; bytes beyond the union this kernel
 *       knows must be zero, else E2BIG (a newer libbpf asking for a feature we lack), EFAULT when
 *       they cannot be read;</li>
 *   <li>__sys_bpf: the first min(size, sizeof(union bpf_attr)) bytes are copied (EFAULT when they
 *       cannot be), the rest of the union is zero;</li>
 *   <li>CHECK_ATTR: the bytes after the command's last field must be zero, else EINVAL (an older
 *       kernel's answer to a field it would ignore).</li>
 * </ul>
 */
public final class AttrRules {

    private AttrRules() {
    }

    /**
     * The attr of a call from the bytes the shim could read at its address ({@code readable}: the first
     * min(size, page) bytes, fewer when the rest faulted).
     */
    public static Attr copyIn(long size, byte[] readable, int pageSize) throws BpfException {
        if (size > pageSize) {
            throw new BpfException(Errno.E2BIG, "attr size: actual " + size + " vs expected at most a page, " + pageSize);
        }
        if (size > Attr.UNION_SIZE) {
            for (int i = Attr.UNION_SIZE; i < size; i++) {
                if (i >= readable.length) {
                    throw new BpfException(Errno.EFAULT, "attr byte " + i + " of " + size + " is not readable");
                }
                if (readable[i] != 0) {
                    throw new BpfException(Errno.E2BIG, String.format("attr byte %d is 0x%02x vs expected 0: this "
                            + "kernel's union bpf_attr has %d bytes", i, readable[i] & 0xff, Attr.UNION_SIZE));
                }
            }
        }
        int copy = (int) Math.min(size, Attr.UNION_SIZE);
        if (readable.length < copy) {
            throw new BpfException(Errno.EFAULT, "attr: actual " + readable.length + " readable bytes vs expected "
                    + copy);
        }
        return new Attr(Arrays.copyOf(readable, copy), size);
    }

    /** CHECK_ATTR(cmd). */
    public static void checkUnusedZero(Attr attr, AttrLayout layout, String command) throws BpfException {
        int at = attr.firstNonZeroFrom(layout.lastFieldEnd());
        if (at >= 0) {
            throw new BpfException(Errno.EINVAL, command + ": attr byte " + at + " is not zero, but the command's last"
                    + " field " + layout.lastField().name() + " ends at " + layout.lastFieldEnd());
        }
    }

    /**
     * bpf_check_uarg_tail_zero for a struct the call points to (an info struct): {@code size} above a
     * page is E2BIG; bytes beyond {@code known} must read as zero (E2BIG, EFAULT).
     */
    public static void checkTailZero(Caller caller, long address, int known, long size, String what)
            throws BpfException {
        if (size > 4096) {
            throw new BpfException(Errno.E2BIG, what + " size: actual " + size + " vs expected at most a page");
        }
        if (size <= known) {
            return;
        }
        int tail = (int) (size - known);
        byte[] bytes = new byte[tail];
        int n = caller.readPrefix(address + known, bytes, 0, tail);
        for (int i = 0; i < n; i++) {
            if (bytes[i] != 0) {
                throw new BpfException(Errno.E2BIG, String.format("%s byte %d is 0x%02x vs expected 0 beyond the %d "
                        + "bytes this kernel knows", what, known + i, bytes[i] & 0xff, known));
            }
        }
        if (n < tail) {
            throw new BpfException(Errno.EFAULT, what + " byte " + (known + n) + " is not readable");
        }
    }
}
