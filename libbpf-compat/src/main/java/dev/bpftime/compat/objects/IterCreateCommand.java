package dev.bpftime.compat.objects;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.LinkAttr;
import dev.bpftime.compat.link.BpfLink;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.compat.syscall.Outcome;

/**
 * BPF_ITER_CREATE (kernel/bpf/syscall.c bpf_iter_create, kernel/bpf/bpf_iter.c bpf_iter_new_fd):
 * flags must be 0, the descriptor a link (EBADF, EINVAL), and the link an iterator's. The runtime
 * makes no iterator links (LINK_CREATE with BPF_TRACE_ITER), so every link here is EINVAL.
 */
public final class IterCreateCommand implements CommandHandler {

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        int flags = attr.u32(LinkAttr.ITER_FLAGS);
        if (flags != 0) {
            throw new BpfException(Errno.EINVAL, "iter_create.flags: actual " + flags + " vs expected 0");
        }
        int fd = attr.u32(LinkAttr.ITER_LINK_FD);
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADF, "iter_create.link_fd " + fd + " is not an open descriptor");
        }
        if (!(ref instanceof FdRef.Object o) || !(o.object() instanceof BpfLink link)) {
            throw new BpfException(Errno.EINVAL, "iter_create.link_fd " + fd + " is not a link");
        }
        throw new BpfException(Errno.EINVAL, "link " + link.id() + " is not an iterator link");
    }
}
