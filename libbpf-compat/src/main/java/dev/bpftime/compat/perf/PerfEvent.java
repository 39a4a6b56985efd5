package dev.bpftime.compat.perf;

import dev.bpftime.compat.link.AttachRegistry;
import dev.bpftime.compat.maps.SharedMemoryObject;
import dev.bpftime.compat.link.Attachment;
import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.maps.BpfMap;
import dev.bpftime.maps.MapException;
import dev.bpftime.maps.MapFactory;
import dev.bpftime.maps.SharedMemoryBudget;

/**
 * One emulated perf event: its target, pid and cpu as perf_event_open got them, whether it is enabled,
 * and the program attached to it (by PERF_EVENT_IOC_SET_BPF or a BPF_PERF_EVENT link). Closing its last
 * descriptor detaches the program, as the kernel's perf_event_free_bpf_prog at the event's release.
 */
public final class PerfEvent extends BpfObject implements SharedMemoryObject {

    private final PerfTarget target;
    private final int pid;
    private final int cpu;
    private final AttachRegistry registry;
    private boolean enabled;
    private BpfProgram program;
    private Attachment attachment;
    private BpfMap buffer;
    private int wakeupEvents = 1;
    private boolean watermark;

    public PerfEvent(PerfTarget target, int pid, int cpu, boolean enabled, AttachRegistry registry) {
        super(ObjectKind.PERF_EVENT);
        this.target = target;
        this.pid = pid;
        this.cpu = cpu;
        this.enabled = enabled;
        this.registry = registry;
    }

    /** attr.wakeup_events (or wakeup_watermark with attr.watermark): when its buffer wakes the reader. */
    void setWakeup(int events, boolean byWatermark) {
        this.wakeupEvents = events;
        this.watermark = byWatermark;
    }

    public PerfTarget target() {
        return target;
    }

    public int pid() {
        return pid;
    }

    public int cpu() {
        return cpu;
    }

    public boolean enabled() {
        return enabled;
    }

    void setEnabled(boolean on) {
        this.enabled = on;
    }

    public BpfProgram program() {
        return program;
    }

    public Attachment attachment() {
        return attachment;
    }

    /** Attaches {@code prog}, whose reference the event takes over; the checks are PerfProgramCheck's. */
    void attach(BpfProgram prog, long cookie) {
        this.program = prog;
        this.attachment = registry.attach(target.hook(), prog.id(), pid, cpu, cookie);
    }

    /** Detaches the program, if any, and drops the event's reference on it. */
    public void detach() {
        if (attachment != null) {
            registry.detach(attachment.id());
            attachment = null;
        }
        if (program != null) {
            BpfProgram p = program;
            program = null;
            p.release();
        }
    }

    /** The perf buffer of a BPF output event once mmap made it, else null. */
    @Override
    public BpfMap sharedMemory() {
        return buffer;
    }

    /**
     * Makes the buffer at the first mmap, as kernel/events/core.c perf_mmap allocates the ring buffer
     * there: offset 0, one control page then 2^n data pages (EINVAL otherwise, or for a size other
     * than an existing buffer's); events other than BPF output have none here (ENODEV). The buffer's
     * object id is the event's, which is what a PERF_EVENT_ARRAY slot holds.
     */
    public void prepareMmap(long offset, long length) {
        if (!(target instanceof PerfTarget.BpfOutput)) {
            throw new MapException(19, "mmap of a " + PerfProgramCheck.describe(target) + ": only BPF output events "
                    + "have a buffer here");
        }
        long pages = length / 4096 - 1;
        if (offset != 0 || length % 4096 != 0 || pages < 1 || Long.bitCount(pages) != 1 || pages > (1 << 20)) {
            throw new MapException(22, "perf buffer mmap: offset " + offset + " length " + length
                    + " vs expected offset 0 and 1 + 2^n pages");
        }
        if (buffer == null) {
            buffer = new MapFactory(SharedMemoryBudget.fromSystemProperties()).createPerfBuffer(cpu, (int) pages, id());
            buffer.setPerfWakeup(wakeupEvents, wakeupEvents, watermark);
        } else if (buffer.maxEntries() != pages) {
            throw new MapException(22, "perf buffer mmap: " + pages + " data pages vs the " + buffer.maxEntries()
                    + " mapped before");
        }
    }

    @Override
    protected void free() {
        detach();
        if (buffer != null) {
            buffer.close();
            buffer = null;
        }
    }
}
