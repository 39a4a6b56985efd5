package dev.bpftime.compat.progattach;

import dev.bpftime.compat.prog.ProgramType;

/**
 * enum bpf_attach_type as BPF_PROG_ATTACH, _DETACH and _QUERY see it (kernel/bpf/syscall.c
 * attach_type_to_prog_type, is_cgroup_prog_type, bpf_mprog_supported; Linux 6.18).
 */
final class AttachTypes {

    static final int CGROUP_INET_INGRESS = 0;
    static final int SK_SKB_STREAM_PARSER = 4;
    static final int SK_SKB_STREAM_VERDICT = 5;
    static final int SK_MSG_VERDICT = 7;
    static final int LIRC_MODE2 = 16;
    static final int FLOW_DISSECTOR = 17;
    static final int SK_LOOKUP = 36;
    static final int SK_SKB_VERDICT = 38;
    static final int LSM_CGROUP = 43;
    static final int TCX_INGRESS = 46;
    static final int TCX_EGRESS = 47;
    static final int NETKIT_PRIMARY = 54;
    static final int NETKIT_PEER = 55;

    /** BPF_F_ALLOW_OVERRIDE | BPF_F_ALLOW_MULTI | BPF_F_REPLACE. */
    static final int F_ATTACH_MASK_BASE = 0x7;
    static final int F_ALLOW_MULTI = 0x2;
    /** BPF_F_REPLACE | BPF_F_BEFORE | BPF_F_AFTER | BPF_F_ID | BPF_F_LINK. */
    static final int F_ATTACH_MASK_MPROG = 0x4 | 0x8 | 0x10 | 0x20 | 0x2000;

    private AttachTypes() {
    }

    /** attach_type_to_prog_type: the program type an attach type takes, or UNSPEC. */
    static ProgramType progType(int attachType) {
        return switch (attachType) {
            case 0, 1 -> ProgramType.CGROUP_SKB;
            case 2, 12, 13, 34 -> ProgramType.CGROUP_SOCK;
            case 8, 9, 10, 11, 14, 15, 19, 20, 29, 30, 31, 32, 49, 50, 51, 52, 53 -> ProgramType.CGROUP_SOCK_ADDR;
            case 3 -> ProgramType.SOCK_OPS;
            case 6 -> ProgramType.CGROUP_DEVICE;
            case SK_MSG_VERDICT -> ProgramType.SK_MSG;
            case SK_SKB_STREAM_PARSER, SK_SKB_STREAM_VERDICT, SK_SKB_VERDICT -> ProgramType.SK_SKB;
            case LIRC_MODE2 -> ProgramType.LIRC_MODE2;
            case FLOW_DISSECTOR -> ProgramType.FLOW_DISSECTOR;
            case 18 -> ProgramType.CGROUP_SYSCTL;
            case 21, 22 -> ProgramType.CGROUP_SOCKOPT;
            case 23, 24, 25, 26, 28 -> ProgramType.TRACING;
            case 27, LSM_CGROUP -> ProgramType.LSM;
            case SK_LOOKUP -> ProgramType.SK_LOOKUP;
            case 37 -> ProgramType.XDP;
            case TCX_INGRESS, TCX_EGRESS, NETKIT_PRIMARY, NETKIT_PEER -> ProgramType.SCHED_CLS;
            default -> ProgramType.UNSPEC;
        };
    }

    /** is_cgroup_prog_type(ptype, 0, false). */
    static boolean cgroup(ProgramType t) {
        return switch (t) {
            case CGROUP_DEVICE, CGROUP_SKB, CGROUP_SOCK, CGROUP_SOCK_ADDR, CGROUP_SOCKOPT, CGROUP_SYSCTL, SOCK_OPS ->
                true;
            default -> false;
        };
    }

    /** bpf_mprog_supported: tcx and netkit. */
    static boolean mprog(ProgramType t) {
        return t == ProgramType.SCHED_CLS;
    }

    /** The attach types BPF_PROG_QUERY hands to cgroup_bpf_prog_query. */
    static boolean cgroupQuery(int attachType) {
        ProgramType t = progType(attachType);
        return cgroup(t) || attachType == LSM_CGROUP;
    }

    static boolean sockmap(int attachType) {
        return attachType == SK_SKB_STREAM_PARSER || attachType == SK_SKB_STREAM_VERDICT
                || attachType == SK_MSG_VERDICT || attachType == SK_SKB_VERDICT;
    }
}
