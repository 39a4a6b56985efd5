package dev.bpftime.compat.perf;

import dev.bpftime.compat.link.AttachRegistry;
import dev.bpftime.compat.link.Attachment;
import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.prog.BpfProgram;

/**
 * One emulated perf event: its target, pid and cpu as perf_event_open got them, whether it is enabled,
 * and the program attached to it (by PERF_EVENT_IOC_SET_BPF or a BPF_PERF_EVENT link). Closing its last
 * descriptor detaches the program, as the kernel's perf_event_free_bpf_prog at the event's release.
 */
public final class PerfEvent extends BpfObject {

    private final PerfTarget target;
    private final int pid;
    private final int cpu;
    private final AttachRegistry registry;
    private boolean enabled;
    private BpfProgram program;
    private Attachment attachment;

    public PerfEvent(PerfTarget target, int pid, int cpu, boolean enabled, AttachRegistry registry) {
        super(ObjectKind.PERF_EVENT);
        this.target = target;
        this.pid = pid;
        this.cpu = cpu;
        this.enabled = enabled;
        this.registry = registry;
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

    @Override
    protected void free() {
        detach();
    }
}
