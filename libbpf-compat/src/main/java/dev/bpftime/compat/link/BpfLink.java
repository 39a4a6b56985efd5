package dev.bpftime.compat.link;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.perf.PerfEvent;
import dev.bpftime.compat.prog.BpfProgram;

/**
 * A BPF link: a program held at a hook for as long as the link lives (its fds, later pins). Two kinds
 * here: a perf-event link (BPF_LINK_CREATE with BPF_PERF_EVENT, kernel/bpf/syscall.c
 * bpf_perf_link_attach), which holds the event, and a raw tracepoint link (BPF_RAW_TRACEPOINT_OPEN,
 * bpf_raw_tp_link), which holds its own attachment.
 */
public final class BpfLink extends BpfObject {

    /** enum bpf_link_type (include/uapi/linux/bpf.h). */
    public static final int TYPE_RAW_TRACEPOINT = 1;
    public static final int TYPE_PERF_EVENT = 7;

    private final int type;
    private final BpfProgram program;
    private final PerfEvent event;
    private final String tracepointName;
    private final AttachRegistry registry;
    private final Attachment attachment;

    private BpfLink(int type, BpfProgram program, PerfEvent event, String tracepointName, AttachRegistry registry,
            Attachment attachment) {
        super(ObjectKind.LINK);
        this.type = type;
        this.program = program;
        this.event = event;
        this.tracepointName = tracepointName;
        this.registry = registry;
        this.attachment = attachment;
    }

    /** A link over an event the program is already attached to; takes over one reference of the event. */
    public static BpfLink perfEvent(BpfProgram program, PerfEvent event) {
        return new BpfLink(TYPE_PERF_EVENT, program, event, null, null, null);
    }

    /** A raw tracepoint link; takes over one reference of the program. */
    public static BpfLink rawTracepoint(BpfProgram program, String name, AttachRegistry registry, Attachment a) {
        return new BpfLink(TYPE_RAW_TRACEPOINT, program, null, name, registry, a);
    }

    public int type() {
        return type;
    }

    public BpfProgram program() {
        return program;
    }

    /** For a raw tracepoint link, its tracepoint's name (bpf_link_info.raw_tracepoint.tp_name). */
    public String tracepointName() {
        return tracepointName;
    }

    /** For a raw tracepoint link, what bpf_get_attach_cookie returns (bpf_link_info.raw_tracepoint.cookie). */
    public long cookie() {
        return attachment == null ? 0 : attachment.cookie();
    }

    public PerfEvent event() {
        return event;
    }

    /** The last reference: the program stops running there (bpf_perf_link_release, bpf_raw_tp_link_release). */
    @Override
    protected void free() {
        if (event != null) {
            event.detach(); // drops the event's reference on the program
            event.release();
        } else {
            registry.detach(attachment.id());
            program.release();
        }
    }
}
