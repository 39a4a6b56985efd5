package dev.bpftime.compat.attr;

/** BPF_RAW_TRACEPOINT_OPEN: union bpf_attr's {@code raw_tracepoint}. */
public final class RawTracepointAttr {

    public static final AttrField NAME = new AttrField("raw_tracepoint.name", 0, 8);
    public static final AttrField PROG_FD = new AttrField("raw_tracepoint.prog_fd", 8, 4);

    /** Linux 6.10: what bpf_get_attach_cookie returns; bytes 12..15 are padding the kernel never checks. */
    public static final AttrField COOKIE = new AttrField("raw_tracepoint.cookie", 16, 8);
    /** BPF_RAW_TRACEPOINT_OPEN_LAST_FIELD raw_tracepoint.cookie (Linux 6.18; prog_fd in 6.1). */
    public static final AttrLayout LAYOUT = AttrLayout.of("raw_tracepoint", NAME, PROG_FD, COOKIE);

    private RawTracepointAttr() {
    }
}
