package dev.bpftime.compat.perf;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.prog.ProgramType;
import dev.bpftime.compat.syscall.BpfException;

/**
 * Which program may run on which event, as kernel/events/core.c perf_event_set_bpf_prog decides:
 * tracepoint and syscall events take BPF_PROG_TYPE_TRACEPOINT, uprobe/kprobe events
 * BPF_PROG_TYPE_KPROBE (EINVAL otherwise); an event with a program already gets EEXIST
 * (perf_event_attach_bpf_prog); a software event takes only BPF_PROG_TYPE_PERF_EVENT
 * (perf_event_set_bpf_handler), which this runtime does not load.
 */
public final class PerfProgramCheck {

    private PerfProgramCheck() {
    }

    /** Attaches {@code prog} (its reference passes to the event on success) or throws the kernel's errno. */
    public static void attach(PerfEvent event, BpfProgram prog, long cookie) throws BpfException {
        PerfTarget t = event.target();
        ProgramType want = t instanceof PerfTarget.TracepointEvent ? ProgramType.TRACEPOINT
                : t instanceof PerfTarget.UprobeEvent ? ProgramType.KPROBE : ProgramType.PERF_EVENT;
        if (prog.type() != want) {
            throw new BpfException(Errno.EINVAL, "a " + prog.type() + " program on " + describe(t)
                    + ": actual type " + prog.type() + " vs expected " + want);
        }
        if (event.program() != null) {
            throw new BpfException(Errno.EEXIST, describe(t) + " already runs program " + event.program().id());
        }
        event.attach(prog, cookie);
    }

    static String describe(PerfTarget t) {
        if (t instanceof PerfTarget.TracepointEvent tp) {
            return "tracepoint " + tp.tracepoint().path();
        }
        if (t instanceof PerfTarget.UprobeEvent u) {
            return (u.probe().retprobe() ? "uretprobe " : "uprobe ") + u.probe().path() + "+0x"
                    + Long.toHexString(u.probe().offset());
        }
        return "a BPF output event";
    }
}
