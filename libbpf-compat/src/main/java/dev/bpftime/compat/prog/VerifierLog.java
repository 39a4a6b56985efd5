package dev.bpftime.compat.prog;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The verifier log with the kernel's rules (kernel/bpf/log.c, Linux 6.4+):
 * <ul>
 *   <li>log_buf and log_size come together, a buffer needs a level, the level has no unknown bits
 *       and the size is at most UINT_MAX >> 2 (bpf_verifier_log_attr_valid), else EINVAL;</li>
 *   <li>log_true_size is the whole log's length with its terminating zero, whatever the buffer
 *       held (len_max);</li>
 *   <li>a buffer too short for it gets the first size-1 bytes (BPF_LOG_FIXED) or the last size-1
 *       bytes (the default rotating mode) and a zero, and the call fails with ENOSPC, even when the
 *       program was fine (bpf_vlog_finalize), which is how libbpf learns to retry with more room;</li>
 *   <li>a buffer that cannot be written fails the call with EFAULT.</li>
 * </ul>
 */
public final class VerifierLog {

    public static final int LEVEL1 = 1;
    public static final int LEVEL2 = 2;
    public static final int STATS = 4;
    public static final int FIXED = 8;
    /** BPF_LOG_MASK (include/linux/bpf_verifier.h). */
    public static final int MASK = LEVEL1 | LEVEL2 | STATS | FIXED;

    /** What the log did to the call: the errno it forces (0 for none) and log_true_size. */
    public record Result(int errno, int trueSize) {
    }

    private final int level;
    private final long buffer;
    private final long size;
    /** The log's bytes: lines are UTF-8, a BTF log the blob's own bytes ({@link #bytes}). */
    private final java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();

    private VerifierLog(int level, long buffer, long size) {
        this.level = level;
        this.buffer = buffer;
        this.size = size;
    }

    /** bpf_vlog_init: the log attributes of a load, checked. */
    public static VerifierLog open(int level, long buffer, int size) throws BpfException {
        long usize = Integer.toUnsignedLong(size);
        if ((buffer != 0) != (usize != 0)) {
            throw new BpfException(Errno.EINVAL, "log_buf " + (buffer != 0 ? "set" : "0") + " with log_size " + usize
                    + ": both or neither");
        }
        if (buffer != 0 && level == 0) {
            throw new BpfException(Errno.EINVAL, "log_buf given with log_level 0");
        }
        if ((level & ~MASK) != 0) {
            throw new BpfException(Errno.EINVAL, String.format("log_level: actual 0x%x vs expected bits of 0x%x", level,
                    MASK));
        }
        if (usize > 0xffffffffL >>> 2) {
            throw new BpfException(Errno.EINVAL, "log_size: actual " + usize + " vs expected at most " + (0xffffffffL >>> 2));
        }
        return new VerifierLog(level, buffer, usize);
    }

    public int level() {
        return level;
    }

    public boolean wants(int bits) {
        return (level & bits) != 0;
    }

    /**
     * Ends a refusal's reason that the kernel logs without a newline: a few verbose() formats lack it
     * (kernel/bpf/verifier.c check_btf_func_early), so the next line runs on.
     */
    public static final String NO_NEWLINE = "\u0001";

    /** Appends a refusal's reason as the kernel's verbose() would: a line, unless it ends with {@link #NO_NEWLINE}. */
    public void reason(String reason) {
        if (reason.endsWith(NO_NEWLINE)) {
            if (level != 0) {
                bytes(reason.substring(0, reason.length() - NO_NEWLINE.length()).getBytes(StandardCharsets.UTF_8));
            }
        } else {
            line(reason);
        }
    }

    /** Appends one line (a newline is added) when any logging was asked for. */
    public void line(String line) {
        if (level != 0) {
            bytes((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Appends bytes as they are (a BTF log, whose names are the blob's bytes) when any logging was asked for. */
    public void bytes(byte[] bytes) {
        if (level != 0) {
            text.writeBytes(bytes);
        }
    }

    public String text() {
        return text.toString(StandardCharsets.UTF_8);
    }

    /** bpf_vlog_finalize: writes the buffer as the kernel leaves it and reports the outcome. */
    public Result finish(Caller caller) {
        if (level == 0) {
            return new Result(0, 0);
        }
        byte[] all = text.toByteArray();
        int trueSize = all.length == 0 ? 0 : (int) Math.min(all.length + 1L, 0xffffffffL);
        if (buffer == 0 || all.length == 0) {
            return new Result(0, trueSize);
        }
        boolean truncated = all.length + 1L > size;
        byte[] out;
        if (!truncated) {
            out = Arrays.copyOf(all, all.length + 1);
        } else {
            int keep = (int) size - 1;
            out = new byte[(int) size];
            int from = wants(FIXED) ? 0 : all.length - keep;
            System.arraycopy(all, from, out, 0, keep);
        }
        try {
            caller.write(buffer, out, "log_buf");
        } catch (BpfException e) {
            return new Result(Errno.EFAULT, trueSize);
        }
        return new Result(truncated ? Errno.ENOSPC : 0, trueSize);
    }
}
