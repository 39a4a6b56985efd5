package dev.bpftime.compat.perf;

import dev.bpftime.compat.link.Hook;
import dev.bpftime.compat.tracefs.Tracepoint;

/** What an emulated perf event observes. */
public sealed interface PerfTarget {

    /** A tracepoint event (PERF_TYPE_TRACEPOINT, config = our id). */
    record TracepointEvent(Tracepoint tracepoint) implements PerfTarget {
    }

    /** An event of the uprobe PMU. */
    record UprobeEvent(Hook.Uprobe probe) implements PerfTarget {
    }

    /** PERF_COUNT_SW_BPF_OUTPUT: the per-CPU output of bpf_perf_event_output (perf buffers). */
    record BpfOutput() implements PerfTarget {
    }

    /** The hook a program attached to this event runs at, or null for events that run none. */
    default Hook hook() {
        if (this instanceof TracepointEvent t) {
            Tracepoint tp = t.tracepoint();
            return tp.syscall() == null ? new Hook.RawSyscall(tp.exit(), false)
                    : new Hook.SyscallTracepoint(tp.syscall().name(), tp.syscall().nr(), tp.exit());
        }
        if (this instanceof UprobeEvent u) {
            return u.probe();
        }
        return null;
    }
}
