package dev.bpftime.compat.link;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.LinkCreateAttr;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.perf.PerfEvent;
import dev.bpftime.compat.perf.PerfProgramCheck;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.prog.ProgramType;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.compat.syscall.Outcome;

/**
 * BPF_LINK_CREATE for perf events (kernel/bpf/syscall.c link_create then bpf_perf_link_attach): the
 * program first (EBADF, EINVAL), its type against attach_type BPF_PERF_EVENT (EINVAL), then flags must
 * be 0 (EINVAL), target_fd must be a perf event (EBADF: perf_event_get; libbpf's probe_perf_link counts
 * on it with target_fd -1), then perf_event_set_bpf_prog with the cookie. Other attach types are
 * refused with EINVAL, as a kernel built without them.
 */
public final class LinkCreateCommand implements CommandHandler {

    /** enum bpf_attach_type BPF_PERF_EVENT. */
    public static final int BPF_PERF_EVENT = 41;

    private final ObjectTable objects;

    public LinkCreateCommand(ObjectTable objects) {
        this.objects = objects;
    }

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        BpfProgram prog = ProgramFds.retainProgram(caller, attr.u32(LinkCreateAttr.PROG_FD), "link_create.prog_fd");
        try {
            int attachType = attr.u32(LinkCreateAttr.ATTACH_TYPE);
            ProgramType t = prog.type();
            if (attachType != BPF_PERF_EVENT
                    || (t != ProgramType.TRACEPOINT && t != ProgramType.KPROBE && t != ProgramType.PERF_EVENT)) {
                throw new BpfException(Errno.EINVAL, "attach_type " + attachType + " for a " + t
                        + " program: only BPF_PERF_EVENT (41) of tracepoint/kprobe programs is emulated");
            }
            if (attr.u32(LinkCreateAttr.FLAGS) != 0) {
                throw new BpfException(Errno.EINVAL, "link_create.flags: actual 0x"
                        + Integer.toHexString(attr.u32(LinkCreateAttr.FLAGS)) + " vs expected 0");
            }
            int target = attr.u32(LinkCreateAttr.TARGET_FD);
            FdRef ref = caller.fd(target);
            if (!(ref instanceof FdRef.Object o) || !(o.object() instanceof PerfEvent event)) {
                throw new BpfException(Errno.EBADF, "link_create.target_fd " + target + " is not a perf event");
            }
            PerfProgramCheck.attach(event, prog, attr.u64(LinkCreateAttr.PERF_EVENT_BPF_COOKIE));
            event.retain();
            return Outcome.newFd(objects.register(BpfLink.perfEvent(prog, event)));
        } catch (BpfException e) {
            prog.release();
            throw e;
        }
    }
}
