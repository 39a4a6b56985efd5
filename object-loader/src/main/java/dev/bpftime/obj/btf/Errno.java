package dev.bpftime.obj.btf;

/** The errno values BPF_BTF_LOAD returns for refused BTF (negated in the kernel, positive here). */
public final class Errno {

    public static final int E2BIG = 7;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ELOOP = 40;
    /** ENOTSUP (= EOPNOTSUPP), libbpf's answer to a .BTF.ext of an unknown version or with flags. */
    public static final int ENOTSUP = 95;
    /** The kernel-internal ENOTSUPP (include/linux/errno.h), which reaches user space unchanged. */
    public static final int ENOTSUPP = 524;

    private Errno() {
    }

    public static String name(int errno) {
        return switch (errno) {
            case E2BIG -> "E2BIG";
            case EEXIST -> "EEXIST";
            case EINVAL -> "EINVAL";
            case ELOOP -> "ELOOP";
            case ENOTSUP -> "ENOTSUP";
            case ENOTSUPP -> "ENOTSUPP";
            default -> "errno " + errno;
        };
    }
}
