package dev.bpftime.jit;

/**
 * The machine stack of one invocation. The C entry saves the six callee-saved registers, reserves an
 * invocation block and the BPF frames in one piece, points r12 at the block and rbp (BPF r10) at the top of
 * frame 0, and calls the main program:
 *
 * <pre>
 *   higher addresses
 *   | return address into the C caller    |
 *   | saved rbp rbx r12 r13 r14 r15        | &lt;- block.entryRsp
 *   | pad (8 bytes)                        | &lt;- r10 of frame 0 (16-byte aligned)
 *   | frame 0: 512 bytes                   |
 *   | frame 1: 512 bytes                   | &lt;- r10 of frame 1 = r10 of frame 0 - 512
 *   | ...  (frames of the deepest chain)   |
 *   | invocation block (32 bytes)          | &lt;- r12, region floor = r12 + BLOCK_BYTES
 *   | return address into the entry        |
 *   | saved r6-r9 the main program writes  |
 *   | ... each bpf-to-bpf call: return address, saved r6-r9 the callee writes, alignment pad
 *   lower addresses
 * </pre>
 *
 * A bpf-to-bpf call lowers rbp by 512 around the call, so the callee's frame is the next region slot and
 * return addresses never sit among BPF frames. A leaf program (ProgramAnalysis.leaf: calls nothing, never
 * names r10) has none of this: its C entry is its own prologue, which pushes the R6-R9 it writes. A tail
 * call restores the current frame's saved registers and jumps to the target's tail-call entry with the same
 * rbp: the target replaces the running program
 * in its frame and returns where it would have (kernel semantics, kernel/bpf/core.c ___bpf_prog_run
 * JMP_TAIL_CALL). At every call instruction rsp is 16-byte aligned, as the System V ABI requires.
 */
final class FrameLayout {

    /** MAX_BPF_STACK (include/linux/filter.h): the bytes below r10 a program may use. */
    static final int FRAME_BYTES = 512;
    /** MAX_CALL_FRAMES (include/linux/bpf_verifier.h). */
    static final int MAX_FRAMES = 8;
    /** MAX_TAIL_CALL_CNT (include/linux/bpf.h): tail calls one invocation may take. */
    static final int MAX_TAIL_CALLS = 33;
    /** BPF_FUNC_tail_call (include/uapi/linux/bpf.h). */
    static final int TAIL_CALL_HELPER = 12;

    /** Invocation block: tail calls taken so far (8 bytes). */
    static final int TAIL_COUNT = 0;
    /** Invocation block: where the C entry's saved registers begin; rsp before they are popped. */
    static final int ENTRY_RSP = 8;
    /** Invocation block: the context kept across the resolver call of a tail call. */
    static final int SAVED_CTX = 16;
    /** Invocation block: R0 kept across the resolver call of a tail call. */
    static final int SAVED_R0 = 24;
    /** Block size, a multiple of 16 so that every frame's r10 is 16-byte aligned. */
    static final int BLOCK_BYTES = 32;
    /** Between frame 0 and the saved registers: with the return address and six pushes, aligns rsp. */
    static final int TOP_PAD = 8;

    /** Registers the C entry saves. */
    static final int ENTRY_PUSHES = 6;

    private FrameLayout() {
    }

    /** Bytes the entry reserves below its pushes: block, frames and pad. */
    static int reservedBytes(int frames) {
        return BLOCK_BYTES + frames * FRAME_BYTES + TOP_PAD;
    }

    /** A leaf's stack: the return address into the C caller and the R6-R9 it saves. */
    static final int LEAF_STACK_BYTES = 8 + 4 * 8;

    /** The most machine stack one invocation uses, helpers' own use excepted. */
    static int stackBytes(int frames) {
        int entry = 8 + ENTRY_PUSHES * 8 + reservedBytes(frames);
        int perFrame = 8 + 4 * 8 + 8; // return address, r6-r9, alignment pad
        return entry + frames * perFrame;
    }
}
