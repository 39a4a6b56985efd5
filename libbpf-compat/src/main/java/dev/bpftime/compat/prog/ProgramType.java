package dev.bpftime.compat.prog;

/**
 * enum bpf_prog_type (include/uapi/linux/bpf.h, Linux 6.1). {@code runsHere} marks the types this
 * runtime executes; loading any other type fails with EINVAL, the kernel's errno for a type it was
 * built without (find_prog_type in kernel/bpf/syscall.c).
 */
public enum ProgramType {
    UNSPEC(0, false),
    SOCKET_FILTER(1, true),
    KPROBE(2, true),
    SCHED_CLS(3, false),
    SCHED_ACT(4, false),
    TRACEPOINT(5, true),
    XDP(6, false),
    PERF_EVENT(7, false),
    CGROUP_SKB(8, false),
    CGROUP_SOCK(9, false),
    LWT_IN(10, false),
    LWT_OUT(11, false),
    LWT_XMIT(12, false),
    SOCK_OPS(13, false),
    SK_SKB(14, false),
    CGROUP_DEVICE(15, false),
    SK_MSG(16, false),
    RAW_TRACEPOINT(17, true),
    CGROUP_SOCK_ADDR(18, false),
    LWT_SEG6LOCAL(19, false),
    LIRC_MODE2(20, false),
    SK_REUSEPORT(21, false),
    FLOW_DISSECTOR(22, false),
    CGROUP_SYSCTL(23, false),
    RAW_TRACEPOINT_WRITABLE(24, false),
    CGROUP_SOCKOPT(25, false),
    TRACING(26, false),
    STRUCT_OPS(27, false),
    EXT(28, false),
    LSM(29, false),
    SK_LOOKUP(30, false),
    SYSCALL(31, false);

    private static final ProgramType[] BY_NUMBER = values();

    private final int number;
    private final boolean runsHere;

    ProgramType(int number, boolean runsHere) {
        this.number = number;
        this.runsHere = runsHere;
    }

    public int number() {
        return number;
    }

    public boolean runsHere() {
        return runsHere;
    }

    public static ProgramType ofOrNull(int number) {
        return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
    }
}
