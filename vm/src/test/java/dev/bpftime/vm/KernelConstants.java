package dev.bpftime.vm;

/** The kernel's limits and helper ids that the C interpreter follows (bpftime_vm.h), for the tests. */
final class KernelConstants {
    /** MAX_CALL_FRAMES (include/linux/bpf_verifier.h). */
    static final int MAX_FRAMES = 8;
    /** MAX_BPF_STACK (include/linux/filter.h). */
    static final int FRAME_BYTES = 512;
    /** MAX_TAIL_CALL_CNT (include/linux/bpf.h). */
    static final int MAX_TAIL_CALLS = 33;
    /** BPF_COMPLEXITY_LIMIT_INSNS (include/linux/bpf.h). */
    static final int MAX_SLOTS = 1_000_000;
    /** BPF_FUNC_tail_call (include/uapi/linux/bpf.h). */
    static final int HELPER_TAIL_CALL = 12;

    private KernelConstants() {
    }
}
