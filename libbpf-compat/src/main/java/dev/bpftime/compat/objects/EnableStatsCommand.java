package dev.bpftime.compat.objects;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.MiscAttr;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.Outcome;

/**
 * BPF_ENABLE_STATS (kernel/bpf/syscall.c bpf_enable_stats): only BPF_STATS_RUN_TIME (0) exists;
 * any other type is EINVAL. The kernel answers type 0 with a descriptor that keeps run_time_ns and
 * run_cnt counting; the runtime keeps no such counters yet, so it refuses type 0 with EOPNOTSUPP
 * rather than hand out a descriptor that switches nothing on.
 */
public final class EnableStatsCommand implements CommandHandler {

    static final int STATS_RUN_TIME = 0;

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        int type = attr.u32(MiscAttr.STATS_TYPE);
        if (type != STATS_RUN_TIME) {
            throw new BpfException(Errno.EINVAL, "enable_stats.type: actual " + type + " vs expected 0 "
                    + "(BPF_STATS_RUN_TIME)");
        }
        throw new BpfException(Errno.EOPNOTSUPP, "BPF_STATS_RUN_TIME: bpftime keeps no run-time statistics yet");
    }
}
