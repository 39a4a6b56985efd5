package dev.bpftime.compat.progattach;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.ProgAttachAttr;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.ProgramType;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.Outcome;

/**
 * BPF_PROG_DETACH (kernel/bpf/syscall.c bpf_prog_detach and the detach function of each hook, Linux
 * 6.18): the same checks as the kernel in its order; since nothing is ever attached at these hooks
 * (ProgAttachCommand), a target that passes them has nothing to detach (ENOENT).
 */
public final class ProgDetachCommand implements CommandHandler {

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        int attachType = attr.u32(ProgAttachAttr.ATTACH_TYPE);
        int flags = attr.u32(ProgAttachAttr.ATTACH_FLAGS);
        int relative = attr.u32(ProgAttachAttr.RELATIVE_FD);
        int target = attr.u32(ProgAttachAttr.TARGET_FD);
        int progFd = attr.u32(ProgAttachAttr.ATTACH_BPF_FD);
        ProgramType ptype = AttachTypes.progType(attachType);
        if (AttachTypes.mprog(ptype)) {
            if ((flags & ~AttachTypes.F_ATTACH_MASK_MPROG) != 0) {
                throw new BpfException(Errno.EINVAL, "attach_flags 0x" + Integer.toHexString(flags));
            }
            if (progFd != 0) {
                Programs.ofType(caller, progFd, ptype, "attach_bpf_fd");
            }
        } else if (AttachTypes.cgroup(ptype)) {
            if (flags != 0 || relative != 0) {
                throw new BpfException(Errno.EINVAL, "attach_flags and relative_fd must be 0 for a cgroup");
            }
        } else if (flags != 0 || relative != 0 || attr.u64(ProgAttachAttr.EXPECTED_REVISION) != 0) {
            throw new BpfException(Errno.EINVAL, "attach_flags, relative_fd and expected_revision must be 0");
        }
        switch (ptype) {
            case SK_MSG, SK_SKB -> {
                if (attr.u32(ProgAttachAttr.REPLACE_BPF_FD) != 0) {
                    throw new BpfException(Errno.EINVAL, "replace_bpf_fd must be 0 for a sockmap");
                }
                Targets.sockmap(caller, target, "target_fd");
            }
            case LIRC_MODE2 -> Targets.lirc(caller, target, "target_fd");
            case FLOW_DISSECTOR -> Programs.ofType(caller, progFd, ptype, "attach_bpf_fd");
            case SCHED_CLS -> Targets.device(target, "target_ifindex");
            default -> {
                if (!AttachTypes.cgroup(ptype)) {
                    throw new BpfException(Errno.EINVAL, "attach_type " + attachType + " has no BPF_PROG_DETACH");
                }
                Targets.cgroup(caller, target, "target_fd");
            }
        }
        throw new BpfException(Errno.ENOENT, "no program attached at attach_type " + attachType);
    }
}
