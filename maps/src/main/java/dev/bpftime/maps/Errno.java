package dev.bpftime.maps;

import java.util.Arrays;
import java.util.Optional;

/** The errnos the map layer answers with, by their Linux x86-64 numbers. */
public enum Errno {
    EPERM(1),
    ENOENT(2),
    EINTR(4),
    E2BIG(7),
    EBADF(9),
    EAGAIN(11),
    ENOMEM(12),
    EACCES(13),
    EFAULT(14),
    EBUSY(16),
    EEXIST(17),
    EINVAL(22),
    ENOSPC(28),
    EDEADLK(35),
    EOPNOTSUPP(95),
    /** The kernel's internal "not supported", which bpf() returns unchanged (include/linux/errno.h). */
    ENOTSUPP(524);

    private final int code;

    Errno(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<Errno> of(int code) {
        int positive = Math.abs(code);
        return Arrays.stream(values()).filter(e -> e.code == positive).findFirst();
    }

    /** The errno of a native -errno return, for messages; unknown numbers keep their number. */
    static String describe(int code) {
        return of(code).map(Enum::name).orElse("errno " + Math.abs(code));
    }
}
