package dev.bpftime.compat.info;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.TaskFdQueryAttr;
import dev.bpftime.compat.link.BpfLink;
import dev.bpftime.compat.perf.PerfEvent;
import dev.bpftime.compat.perf.PerfTarget;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.compat.syscall.Outcome;
import java.nio.charset.StandardCharsets;

/**
 * BPF_TASK_FD_QUERY, what `bpftool perf` lists (kernel/bpf/syscall.c bpf_task_fd_query and
 * bpf_task_fd_query_copy, kernel/trace/bpf_trace.c bpf_get_perf_event_info, Linux 6.18): for a
 * descriptor of a task, the program attached through it, the kind of probe, its name or file, and
 * the uprobe's offset.
 */
public final class TaskFdQueryCommand implements CommandHandler {

    /** enum bpf_task_fd_type. */
    static final int FD_TYPE_RAW_TRACEPOINT = 0;
    static final int FD_TYPE_TRACEPOINT = 1;
    static final int FD_TYPE_UPROBE = 4;
    static final int FD_TYPE_URETPROBE = 5;

    private record Answer(int progId, int fdType, String name, long probeOffset) {
    }

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        int pid = attr.u32(TaskFdQueryAttr.PID);
        int fd = attr.u32(TaskFdQueryAttr.FD);
        int flags = attr.u32(TaskFdQueryAttr.FLAGS);
        if (flags != 0) {
            throw new BpfException(Errno.EINVAL, "task_fd_query.flags: actual " + flags + " vs expected 0");
        }
        if (pid <= 0 || !caller.taskExists(pid)) {
            throw new BpfException(Errno.ENOENT, "task_fd_query.pid " + pid + " names no task");
        }
        FdRef ref = caller.fdOfTask(pid, fd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADF, "task_fd_query.fd " + fd + " is not open in task " + pid);
        }
        Answer answer = answer(ref, pid, fd);
        copyOut(attr, caller, answer);
        return Outcome.value(0);
    }

    private static Answer answer(FdRef ref, int pid, int fd) throws BpfException {
        Object object = ref instanceof FdRef.Object o ? o.object() : null;
        if (object instanceof BpfLink link) {
            if (link.type() != BpfLink.TYPE_RAW_TRACEPOINT) {
                throw notSupported(pid, fd, "a link other than a raw tracepoint's");
            }
            return new Answer(link.program().id(), FD_TYPE_RAW_TRACEPOINT, link.tracepointName(), 0);
        }
        if (!(object instanceof PerfEvent event)) {
            throw notSupported(pid, fd, "neither a raw tracepoint link nor a perf event");
        }
        if (event.program() == null) {
            throw new BpfException(Errno.ENOENT, "perf event " + fd + " of task " + pid + " has no program");
        }
        int progId = event.program().id();
        if (event.target() instanceof PerfTarget.TracepointEvent t) {
            return new Answer(progId, FD_TYPE_TRACEPOINT, t.tracepoint().name(), 0);
        }
        if (event.target() instanceof PerfTarget.UprobeEvent u) {
            return new Answer(progId, u.probe().retprobe() ? FD_TYPE_URETPROBE : FD_TYPE_UPROBE, u.probe().path(),
                    u.probe().offset());
        }
        throw new BpfException(Errno.EOPNOTSUPP, "perf event " + fd + " of task " + pid + " is no probe");
    }

    private static BpfException notSupported(int pid, int fd, String what) {
        return new BpfException(Errno.ENOTSUPP, "task_fd_query: descriptor " + fd + " of task " + pid + " is " + what);
    }

    /** bpf_task_fd_query_copy: buf_len gets the name's length; a short buffer gets a cut name and ENOSPC. */
    private static void copyOut(Attr attr, Caller caller, Answer a) throws BpfException {
        byte[] name = a.name() == null ? new byte[0] : a.name().getBytes(StandardCharsets.UTF_8);
        long buf = attr.u64(TaskFdQueryAttr.BUF);
        long inputLen = Integer.toUnsignedLong(attr.u32(TaskFdQueryAttr.BUF_LEN));
        attr.putU32(TaskFdQueryAttr.BUF_LEN, name.length);
        int errno = 0;
        if (inputLen != 0 && buf != 0) {
            if (name.length == 0) {
                caller.write(buf, new byte[1], "task_fd_query.buf");
            } else if (inputLen >= name.length + 1L) {
                byte[] z = new byte[name.length + 1];
                System.arraycopy(name, 0, z, 0, name.length);
                caller.write(buf, z, "task_fd_query.buf");
            } else {
                errno = Errno.ENOSPC;
                byte[] cut = new byte[(int) inputLen];
                System.arraycopy(name, 0, cut, 0, (int) inputLen - 1);
                caller.write(buf, cut, 0, (int) inputLen - 1);
                caller.write(buf + inputLen - 1, new byte[1], "task_fd_query.buf");
            }
        }
        attr.putU32(TaskFdQueryAttr.PROG_ID, a.progId());
        attr.putU32(TaskFdQueryAttr.FD_TYPE, a.fdType());
        attr.putU64(TaskFdQueryAttr.PROBE_OFFSET, a.probeOffset());
        attr.putU64(TaskFdQueryAttr.PROBE_ADDR, 0);
        if (errno != 0) {
            throw new BpfException(errno, "task_fd_query.buf_len " + inputLen + " is short of the name's "
                    + (name.length + 1) + " bytes");
        }
    }
}
