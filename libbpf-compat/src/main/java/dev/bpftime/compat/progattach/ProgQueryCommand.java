package dev.bpftime.compat.progattach;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.QueryAttr;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.Outcome;

/**
 * BPF_PROG_QUERY (kernel/bpf/syscall.c bpf_prog_query and each hook's query, Linux 6.18): a target
 * that passes the kernel's checks has no program attached (ProgAttachCommand), so the answer is the
 * kernel's for an empty hook: attach_flags 0 and prog_cnt 0 (and revision 1 for tcx, bpf_mprog_query).
 */
public final class ProgQueryCommand implements CommandHandler {

    /** BPF_F_QUERY_EFFECTIVE. */
    static final int F_QUERY_EFFECTIVE = 1;

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        int queryFlags = attr.u32(QueryAttr.QUERY_FLAGS);
        int attachType = attr.u32(QueryAttr.ATTACH_TYPE);
        int target = attr.u32(QueryAttr.TARGET_FD);
        if ((queryFlags & ~F_QUERY_EFFECTIVE) != 0) {
            throw new BpfException(Errno.EINVAL, "query.query_flags 0x" + Integer.toHexString(queryFlags));
        }
        if (AttachTypes.cgroupQuery(attachType)) {
            Targets.cgroup(caller, target, "query.target_fd");
            if (queryFlags != 0 && attr.u64(QueryAttr.PROG_ATTACH_FLAGS) != 0) {
                throw new BpfException(Errno.EINVAL, "query.prog_attach_flags with BPF_F_QUERY_EFFECTIVE");
            }
            attr.putU32(QueryAttr.ATTACH_FLAGS, 0);
            attr.putU32(QueryAttr.PROG_CNT, 0);
            return Outcome.value(0);
        }
        if (attachType == AttachTypes.LIRC_MODE2 || attachType == AttachTypes.FLOW_DISSECTOR
                || attachType == AttachTypes.SK_LOOKUP || AttachTypes.sockmap(attachType)) {
            if (queryFlags != 0) {
                throw new BpfException(Errno.EINVAL, "query.query_flags must be 0 for attach_type " + attachType);
            }
            if (attachType == AttachTypes.LIRC_MODE2) {
                Targets.lirc(caller, target, "query.target_fd");
            } else if (AttachTypes.sockmap(attachType)) {
                Targets.sockmap(caller, target, "query.target_fd");
            }
            Targets.netns(caller, target, "query.target_fd");
            attr.putU32(QueryAttr.ATTACH_FLAGS, 0);
            attr.putU32(QueryAttr.PROG_CNT, 0);
            return Outcome.value(0);
        }
        if (attachType == AttachTypes.TCX_INGRESS || attachType == AttachTypes.TCX_EGRESS) {
            Targets.device(target, "query.target_ifindex");
            if (queryFlags != 0 || attr.u32(QueryAttr.ATTACH_FLAGS) != 0) {
                throw new BpfException(Errno.EINVAL, "query_flags and attach_flags must be 0 for tcx");
            }
            attr.putU32(QueryAttr.ATTACH_FLAGS, 0);
            attr.putU64(QueryAttr.REVISION, 1);
            attr.putU32(QueryAttr.PROG_CNT, 0);
            return Outcome.value(0);
        }
        if (attachType == AttachTypes.NETKIT_PRIMARY || attachType == AttachTypes.NETKIT_PEER) {
            Targets.device(target, "query.target_ifindex");
            throw new BpfException(Errno.EINVAL, "device " + Integer.toUnsignedString(target) + " is no netkit device");
        }
        throw new BpfException(Errno.EINVAL, "attach_type " + attachType + " cannot be queried");
    }
}
