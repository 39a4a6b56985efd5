package dev.bpftime.compat.attr;

/** BPF_RAW_TRACEPOINT_OPEN: union bpf_attr's {@code raw_tracepoint}. */
public final class RawTracepointAttr {

    public static final AttrField NAME = new AttrField("raw_tracepoint.name", 0, 8);
    public static final AttrField PROG_FD = new AttrField("raw_tracepoint.prog_fd", 8, 4);

    /** BPF_RAW_TRACEPOINT_OPEN_LAST_FIELD raw_tracepoint.prog_fd. */
    public static final AttrLayout LAYOUT = AttrLayout.of("raw_tracepoint", NAME, PROG_FD);

    private RawTracepointAttr() {
    }
}
