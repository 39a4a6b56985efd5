package dev.bpftime.compat.attr;

/** BPF_LINK_UPDATE, BPF_LINK_DETACH and BPF_ITER_CREATE: union bpf_attr's {@code link_update}, {@code link_detach}, {@code iter_create}. */
public final class LinkAttr {

    public static final AttrField UPDATE_LINK_FD = new AttrField("link_update.link_fd", 0, 4);
    public static final AttrField UPDATE_NEW_PROG_FD = new AttrField("link_update.new_prog_fd", 4, 4);
    public static final AttrField UPDATE_FLAGS = new AttrField("link_update.flags", 8, 4);
    public static final AttrField UPDATE_OLD_PROG_FD = new AttrField("link_update.old_prog_fd", 12, 4);
    public static final AttrField DETACH_LINK_FD = new AttrField("link_detach.link_fd", 0, 4);
    public static final AttrField ITER_LINK_FD = new AttrField("iter_create.link_fd", 0, 4);
    public static final AttrField ITER_FLAGS = new AttrField("iter_create.flags", 4, 4);

    /** BPF_LINK_UPDATE_LAST_FIELD link_update.old_prog_fd. */
    public static final AttrLayout UPDATE = AttrLayout.of("link_update", UPDATE_LINK_FD, UPDATE_NEW_PROG_FD,
            UPDATE_FLAGS, UPDATE_OLD_PROG_FD);
    /** BPF_LINK_DETACH_LAST_FIELD link_detach.link_fd. */
    public static final AttrLayout DETACH = AttrLayout.of("link_detach", DETACH_LINK_FD);
    /** BPF_ITER_CREATE_LAST_FIELD iter_create.flags. */
    public static final AttrLayout ITER_CREATE = AttrLayout.of("iter_create", ITER_LINK_FD, ITER_FLAGS);

    private LinkAttr() {
    }
}
