package dev.bpftime.compat.objects;

import static dev.bpftime.compat.attr.MiscAttr.TOKEN_CREATE_BPFFS_FD;
import static dev.bpftime.compat.attr.MiscAttr.TOKEN_CREATE_FLAGS;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.compat.syscall.Outcome;

/**
 * BPF_TOKEN_CREATE (kernel/bpf/token.c bpf_token_create, Linux 6.9), always refused as the kernel
 * refuses it outside a delegating bpffs: flags EINVAL, no descriptor EBADF, the root of the bpffs at
 * /sys/fs/bpf (the one the service emulates, which delegates nothing, in the initial user namespace)
 * EOPNOTSUPP, any other descriptor EINVAL.
 */
public final class TokenCreateCommand implements CommandHandler {

    private static final String BPFFS_ROOT = "/sys/fs/bpf";

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        int flags = attr.u32(TOKEN_CREATE_FLAGS);
        if (flags != 0) {
            throw new BpfException(Errno.EINVAL, String.format("token_create.flags: actual 0x%x vs expected 0", flags));
        }
        int fd = attr.u32(TOKEN_CREATE_BPFFS_FD);
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADF, "token_create.bpffs_fd " + fd + " is not an open descriptor");
        }
        if (ref instanceof FdRef.Foreign f && f.what().equals(BPFFS_ROOT)) {
            throw new BpfException(Errno.EOPNOTSUPP, "token_create: the bpffs at " + BPFFS_ROOT
                    + " delegates nothing (bpftime makes no tokens)");
        }
        throw new BpfException(Errno.EINVAL, "token_create.bpffs_fd " + fd + " is not the root of a bpffs");
    }
}
