package dev.bpftime.compat.objects;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.FdRef;

/**
 * BPF tokens (Linux 6.9: BPF_F_TOKEN_FD with map_token_fd, btf_token_fd, fd_by_id_token_fd...). The
 * service makes none: BPF_TOKEN_CREATE needs a bpffs mounted with delegation inside a user namespace,
 * which an emulated bpffs has no use for. So a token descriptor is refused as bpf_token_get_from_fd()
 * (kernel/bpf/token.c) refuses any other: no descriptor EBADF, not a token EINVAL.
 */
public final class BpfTokens {

    /** BPF_F_TOKEN_FD, the flag each command has for "this field names a token". */
    public static final int F_TOKEN_FD = 1 << 16;

    private BpfTokens() {
    }

    public static BpfException refused(Caller caller, int fd, String field) {
        if (caller.fd(fd) instanceof FdRef.Missing) {
            return new BpfException(Errno.EBADF, field + " " + fd + " is not an open descriptor");
        }
        return new BpfException(Errno.EINVAL, field + " " + fd + " is not a BPF token (bpftime makes none)");
    }
}
