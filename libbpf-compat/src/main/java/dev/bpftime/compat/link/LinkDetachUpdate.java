package dev.bpftime.compat.link;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.LinkAttr;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.Outcome;

/**
 * BPF_LINK_DETACH and BPF_LINK_UPDATE (kernel/bpf/syscall.c link_detach, link_update). In Linux 6.1
 * neither perf-event links nor raw tracepoint links have a detach or update_prog operation, so after
 * the descriptor checks detach is EOPNOTSUPP and update EINVAL.
 */
public final class LinkDetachUpdate {

    /** BPF_F_REPLACE. */
    static final int F_REPLACE = 1 << 2;

    private LinkDetachUpdate() {
    }

    public static CommandHandler detach() {
        return (Attr attr, Caller caller) -> {
            BpfLink link = ProgramFds.link(caller, attr.u32(LinkAttr.DETACH_LINK_FD), "link_detach.link_fd");
            throw new BpfException(Errno.EOPNOTSUPP, "link " + link.id() + " of type " + link.type()
                    + " has no detach operation (Linux 6.1)");
        };
    }

    public static CommandHandler update() {
        return (Attr attr, Caller caller) -> {
            int flags = attr.u32(LinkAttr.UPDATE_FLAGS);
            if ((flags & ~F_REPLACE) != 0) {
                throw new BpfException(Errno.EINVAL, "link_update.flags: actual 0x" + Integer.toHexString(flags)
                        + " vs expected 0 or BPF_F_REPLACE");
            }
            BpfLink link = ProgramFds.link(caller, attr.u32(LinkAttr.UPDATE_LINK_FD), "link_update.link_fd");
            BpfProgram newProg = ProgramFds.retainProgram(caller, attr.u32(LinkAttr.UPDATE_NEW_PROG_FD),
                    "link_update.new_prog_fd");
            newProg.release();
            if ((flags & F_REPLACE) != 0) {
                BpfProgram old = ProgramFds.retainProgram(caller, attr.u32(LinkAttr.UPDATE_OLD_PROG_FD),
                        "link_update.old_prog_fd");
                old.release();
            } else if (attr.u32(LinkAttr.UPDATE_OLD_PROG_FD) != 0) {
                throw new BpfException(Errno.EINVAL, "link_update.old_prog_fd without BPF_F_REPLACE");
            }
            throw new BpfException(Errno.EINVAL, "link " + link.id() + " of type " + link.type()
                    + " cannot change its program (no update_prog in Linux 6.1)");
        };
    }
}
