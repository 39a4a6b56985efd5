package dev.bpftime.jit;

import java.util.List;
import java.util.Objects;
import java.util.SortedSet;

/**
 * A compiled program: position-independent x86-64 code plus the relocations that make it runnable in one
 * process. {@link JitLinker} fills the relocations; the result runs at any address.
 *
 * <p>Entry points, both offsets into {@link #code}:
 * <ul>
 *   <li>{@code entryOffset}: the C function {@code uint64_t run(void *ctx, uint64_t r2)} (System V ABI):
 *       r1 = ctx, r2 = the second argument, returns r0. Reentrant: each call has its own stack frames on
 *       the caller's stack, so any number of threads may run one image at once.</li>
 *   <li>{@code tailCallEntryOffset}: where a tail call from another image of the same process jumps. It
 *       is not a C function: it expects the running invocation's state (see {@link FrameLayout}).</li>
 * </ul>
 *
 * @param code                the machine code, relocation fields zero
 * @param relocations         the fields to fill, in code order
 * @param entryOffset         the C entry point
 * @param tailCallEntryOffset the entry for tail calls
 * @param frames              the BPF stack frames (512 bytes each) the program needs wherever it runs: the depth
 *                            of its deepest chain of bpf-to-bpf calls, tail calls or not. A resolver lets a tail
 *                            call into it go ahead when that many are free; its own tail calls check their
 *                            targets as they run. Its C entry reserves all 8 when it makes tail calls.
 * @param stackBytes          the most machine stack one invocation takes, not counting what helpers take (a
 *                            program making tail calls is rated for all 8 frames, which its targets may use)
 * @param helperIds           the helper ids called by immediate (the helper table must have them)
 */
public record JitImage(byte[] code, List<Relocation> relocations, int entryOffset, int tailCallEntryOffset,
        int frames, int stackBytes, SortedSet<Integer> helperIds) {

    public JitImage {
        Objects.requireNonNull(code, "code");
        relocations = List.copyOf(relocations);
        helperIds = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(helperIds));
    }

    /** The unlinked code, for disassembly and tests. */
    @Override
    public byte[] code() {
        return code.clone();
    }
}
