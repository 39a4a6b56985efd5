package dev.bpftime.compat.tracefs;

/**
 * The perf_event_attr.type numbers of the emulated kprobe and uprobe PMUs, as
 * /sys/bus/event_source/devices/{kprobe,uprobe}/type show them. A kernel gives dynamic PMUs small ids
 * from PERF_TYPE_MAX (6) upwards (kernel/events/core.c perf_pmu_register, idr_alloc); ours are far
 * above, so an app's perf_event_open of a real dynamic PMU is never taken for ours.
 */
public final class PmuTypes {

    public static final int KPROBE = 0x10006;
    public static final int UPROBE = 0x10007;

    /** The retprobe bit as format/retprobe says ("config:0"), for both PMUs (kernel/events/core.c). */
    public static final long RETPROBE_BIT = 1L;
    /** uprobe format/ref_ctr_offset "config:32-63": libbpf's PERF_UPROBE_REF_CTR_OFFSET_SHIFT. */
    public static final int REF_CTR_OFFSET_SHIFT = 32;

    private PmuTypes() {
    }
}
