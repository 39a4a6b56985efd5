package dev.bpftime.compat.progattach;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.ProgAttachAttr;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.prog.ProgramType;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.Outcome;

/**
 * BPF_PROG_ATTACH (kernel/bpf/syscall.c bpf_prog_attach, Linux 6.18): the attach type picks the
 * program type, the flags are checked for that kind of hook, then the program must be of that type.
 * Every such type (cgroup, sockmap, lirc, flow dissector, tcx, netkit) hooks the kernel's network
 * or device paths, which have no userspace counterpart: the runtime loads none of them, so the checks
 * end at the program and a program that passed them could not exist.
 */
public final class ProgAttachCommand implements CommandHandler {

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        int attachType = attr.u32(ProgAttachAttr.ATTACH_TYPE);
        int flags = attr.u32(ProgAttachAttr.ATTACH_FLAGS);
        ProgramType ptype = AttachTypes.progType(attachType);
        if (ptype == ProgramType.UNSPEC) {
            throw new BpfException(Errno.EINVAL, "attach_type " + attachType + " takes no program by BPF_PROG_ATTACH");
        }
        if (AttachTypes.mprog(ptype)) {
            requireFlags(flags, AttachTypes.F_ATTACH_MASK_MPROG);
        } else if (AttachTypes.cgroup(ptype)) {
            requireFlags(flags, AttachTypes.F_ATTACH_MASK_BASE | AttachTypes.F_ATTACH_MASK_MPROG);
            if ((flags & AttachTypes.F_ALLOW_MULTI) == 0 && (flags & AttachTypes.F_ATTACH_MASK_MPROG) != 0) {
                throw new BpfException(Errno.EINVAL, "attach_flags: the mprog flags need BPF_F_ALLOW_MULTI");
            }
        } else {
            requireFlags(flags, AttachTypes.F_ATTACH_MASK_BASE);
            if (attr.u32(ProgAttachAttr.RELATIVE_FD) != 0 || attr.u64(ProgAttachAttr.EXPECTED_REVISION) != 0) {
                throw new BpfException(Errno.EINVAL, "relative_fd and expected_revision are for tcx and netkit only");
            }
        }
        BpfProgram prog = Programs.ofType(caller, attr.u32(ProgAttachAttr.ATTACH_BPF_FD), ptype, "attach_bpf_fd");
        throw new BpfException(Errno.EINVAL, "program " + prog.id() + " of type " + ptype + ": bpftime has no hook "
                + "for attach_type " + attachType);
    }

    private static void requireFlags(int flags, int allowed) throws BpfException {
        if ((flags & ~allowed) != 0) {
            throw new BpfException(Errno.EINVAL, "attach_flags: actual 0x" + Integer.toHexString(flags)
                    + " vs allowed 0x" + Integer.toHexString(allowed));
        }
    }
}
