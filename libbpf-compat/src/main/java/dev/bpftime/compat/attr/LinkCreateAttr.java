package dev.bpftime.compat.attr;

/** BPF_LINK_CREATE: union bpf_attr's {@code link_create}; the attach-kind union starts at 16. */
public final class LinkCreateAttr {

    public static final AttrField PROG_FD = new AttrField("link_create.prog_fd", 0, 4);
    /** Shares its bytes with target_ifindex. */
    public static final AttrField TARGET_FD = new AttrField("link_create.target_fd", 4, 4);
    public static final AttrField ATTACH_TYPE = new AttrField("link_create.attach_type", 8, 4);
    public static final AttrField FLAGS = new AttrField("link_create.flags", 12, 4);
    public static final AttrField TARGET_BTF_ID = new AttrField("link_create.target_btf_id", 16, 4);
    public static final AttrField ITER_INFO = new AttrField("link_create.iter_info", 16, 8);
    public static final AttrField ITER_INFO_LEN = new AttrField("link_create.iter_info_len", 24, 4);
    public static final AttrField PERF_EVENT_BPF_COOKIE = new AttrField("link_create.perf_event.bpf_cookie", 16, 8);
    public static final AttrField KPROBE_MULTI_FLAGS = new AttrField("link_create.kprobe_multi.flags", 16, 4);
    public static final AttrField KPROBE_MULTI_CNT = new AttrField("link_create.kprobe_multi.cnt", 20, 4);
    public static final AttrField KPROBE_MULTI_SYMS = new AttrField("link_create.kprobe_multi.syms", 24, 8);
    public static final AttrField KPROBE_MULTI_ADDRS = new AttrField("link_create.kprobe_multi.addrs", 32, 8);
    public static final AttrField KPROBE_MULTI_COOKIES = new AttrField("link_create.kprobe_multi.cookies", 40, 8);
    public static final AttrField TRACING_TARGET_BTF_ID = new AttrField("link_create.tracing.target_btf_id", 16, 4);
    public static final AttrField TRACING_COOKIE = new AttrField("link_create.tracing.cookie", 24, 8);

    /** BPF_LINK_CREATE_LAST_FIELD link_create.kprobe_multi.cookies (6.1), the union's furthest member. */
    public static final AttrLayout LAYOUT = AttrLayout.of("link_create", PROG_FD, TARGET_FD, ATTACH_TYPE, FLAGS,
            TARGET_BTF_ID, ITER_INFO, ITER_INFO_LEN, PERF_EVENT_BPF_COOKIE, KPROBE_MULTI_FLAGS, KPROBE_MULTI_CNT,
            KPROBE_MULTI_SYMS, KPROBE_MULTI_ADDRS, TRACING_TARGET_BTF_ID, TRACING_COOKIE, KPROBE_MULTI_COOKIES);

    private LinkCreateAttr() {
    }
}
