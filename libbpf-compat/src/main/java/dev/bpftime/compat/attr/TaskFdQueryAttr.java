package dev.bpftime.compat.attr;

/** BPF_TASK_FD_QUERY: union bpf_attr's {@code task_fd_query}. */
public final class TaskFdQueryAttr {

    public static final AttrField PID = new AttrField("task_fd_query.pid", 0, 4);
    public static final AttrField FD = new AttrField("task_fd_query.fd", 4, 4);
    public static final AttrField FLAGS = new AttrField("task_fd_query.flags", 8, 4);
    public static final AttrField BUF_LEN = new AttrField("task_fd_query.buf_len", 12, 4);
    public static final AttrField BUF = new AttrField("task_fd_query.buf", 16, 8);
    public static final AttrField PROG_ID = new AttrField("task_fd_query.prog_id", 24, 4);
    public static final AttrField FD_TYPE = new AttrField("task_fd_query.fd_type", 28, 4);
    public static final AttrField PROBE_OFFSET = new AttrField("task_fd_query.probe_offset", 32, 8);
    public static final AttrField PROBE_ADDR = new AttrField("task_fd_query.probe_addr", 40, 8);

    /** BPF_TASK_FD_QUERY_LAST_FIELD task_fd_query.probe_addr. */
    public static final AttrLayout LAYOUT = AttrLayout.of("task_fd_query", PID, FD, FLAGS, BUF_LEN, BUF, PROG_ID,
            FD_TYPE, PROBE_OFFSET, PROBE_ADDR);

    private TaskFdQueryAttr() {
    }
}
