package dev.bpftime.compat.perf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The fields of struct perf_event_attr this runtime reads (include/uapi/linux/perf_event.h, Linux
 * 6.1): type @0, size @4, config @8, the flag bits @40 (disabled is bit 0, watermark bit 14),
 * wakeup_events / wakeup_watermark @48, config1 @56 (uprobe_path, kprobe_func) and config2 @64
 * (probe_offset).
 */
public record PerfEventAttr(int type, int size, long config, long flags, long config1, long config2,
        int wakeupEvents) {

    /** PERF_ATTR_SIZE_VER0: the size a 0 in attr.size stands for, and the smallest accepted. */
    public static final int SIZE_VER0 = 64;
    /** sizeof(struct perf_event_attr) in Linux 6.1 (PERF_ATTR_SIZE_VER7). */
    public static final int SIZE_6_1 = 128;
    public static final int SIZE_OFFSET = 4;

    public static final int TYPE_SOFTWARE = 1;
    public static final int TYPE_TRACEPOINT = 2;
    public static final long COUNT_SW_BPF_OUTPUT = 10;

    public boolean disabled() {
        return (flags & 1) != 0;
    }

    /** attr.watermark: wakeupEvents is wakeup_watermark, a byte count. */
    public boolean watermark() {
        return (flags & (1L << 14)) != 0;
    }

    /** Decodes the caller's bytes, zero-extended to the 6.1 size as the kernel's copy_struct_from_user. */
    public static PerfEventAttr decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(bytes, Math.max(bytes.length, SIZE_6_1)))
                .order(ByteOrder.nativeOrder());
        return new PerfEventAttr(b.getInt(0), b.getInt(4), b.getLong(8), b.getLong(40), b.getLong(56), b.getLong(64),
                b.getInt(48));
    }
}
