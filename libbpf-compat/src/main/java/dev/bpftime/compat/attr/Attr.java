package dev.bpftime.compat.attr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The attr of one call as the kernel sees it after __sys_bpf copied it: {@value #UNION_SIZE} bytes,
 * the caller's first min(size, {@value #UNION_SIZE}) and zeros after. Output fields written with the
 * put methods are remembered as write-backs, which the shim copies into the caller's attr.
 */
public final class Attr {

    /**
     * sizeof(union bpf_attr) of the ABI this service emulates: Linux 6.18's include/uapi/linux/bpf.h, whose
     * largest member is BPF_PROG_LOAD's, ending with keyring_id (Linux 6.1's, which Debian 12's libbpf 1.1,
     * bpftool 7.1 and bpftrace 0.17 are built against, has 144). A byte a newer libbpf sets beyond it is
     * E2BIG, one inside it after the command's last field EINVAL, as on a 6.18 kernel.
     */
    public static final int UNION_SIZE = 168;

    /** A byte range of the caller's attr to overwrite with {@code bytes}. */
    public record Writeback(int offset, byte[] bytes) {
    }

    private final ByteBuffer bytes;
    private final long userSize;
    private final List<Writeback> writebacks = new ArrayList<>();

    /** @param prefix the caller's bytes, at most {@value #UNION_SIZE} @param userSize the size argument */
    public Attr(byte[] prefix, long userSize) {
        if (prefix.length > UNION_SIZE) {
            throw new IllegalArgumentException("attr prefix: actual " + prefix.length + " bytes vs expected at most "
                    + UNION_SIZE);
        }
        this.bytes = ByteBuffer.wrap(Arrays.copyOf(prefix, UNION_SIZE)).order(ByteOrder.nativeOrder());
        this.userSize = userSize;
    }

    /** The size argument of the call, as the caller passed it. */
    public long userSize() {
        return userSize;
    }

    public int u32(AttrField f) {
        check(f, 4);
        return bytes.getInt(f.offset());
    }

    public long u64(AttrField f) {
        check(f, 8);
        return bytes.getLong(f.offset());
    }

    public byte[] bytes(AttrField f) {
        byte[] out = new byte[f.size()];
        bytes.get(f.offset(), out);
        return out;
    }

    /** The offset of the first non-zero byte at or after {@code from}, or -1. */
    public int firstNonZeroFrom(int from) {
        for (int i = from; i < UNION_SIZE; i++) {
            if (bytes.get(i) != 0) {
                return i;
            }
        }
        return -1;
    }

    /** Sets an output field, here and (through the shim) in the caller's attr, as the kernel's put_user. */
    public void putU32(AttrField f, int value) {
        check(f, 4);
        bytes.putInt(f.offset(), value);
        byte[] out = new byte[4];
        ByteBuffer.wrap(out).order(ByteOrder.nativeOrder()).putInt(value);
        writebacks.add(new Writeback(f.offset(), out));
    }

    /** Sets a 64-bit output field, as {@link #putU32}. */
    public void putU64(AttrField f, long value) {
        check(f, 8);
        bytes.putLong(f.offset(), value);
        byte[] out = new byte[8];
        ByteBuffer.wrap(out).order(ByteOrder.nativeOrder()).putLong(value);
        writebacks.add(new Writeback(f.offset(), out));
    }

    public List<Writeback> writebacks() {
        return List.copyOf(writebacks);
    }

    private static void check(AttrField f, int size) {
        if (f.size() != size) {
            throw new IllegalArgumentException("attr field " + f.name() + ": actual " + f.size() + " bytes vs expected "
                    + size);
        }
    }
}
