package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;

import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Size;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * A tail-call scenario every engine runs the same way: socket-filter-shaped programs (r1 = a struct __sk_buff,
 * whose cb[0..4] they use as counters) for the slots of one prog array, and the entry program. Each engine
 * supplies the instruction that loads the array into r2 (a map fd for the kernel, an address or a relocation
 * for ours), so the programs are otherwise the same bytes everywhere.
 *
 * @param slots for each slot of the array (size = max_entries), the program there or null (empty)
 */
record TailCallCase(String name, int maxEntries, Function<Instruction, List<List<Instruction>>> slots,
        Function<Instruction, List<Instruction>> entry) {

    /** Word k of cb[] (struct __sk_buff, include/uapi/linux/bpf.h). */
    static int cb(int k) {
        return KernelBpf.CB + 4 * k;
    }

    /** cb[k] += 1 through r6 (the context); clobbers r0. */
    static List<AsmItem> bump(int k) {
        return List.of(ldx(Size.W, R0, R6, cb(k)), add64(R0, 1), stx(Size.W, R6, cb(k), R0));
    }

    /** bpf_tail_call(r6, array, index). */
    static List<AsmItem> tailCall(Instruction array, int index) {
        return List.of(mov64(R1, R6), array, mov64(R3, index), call(FrameLayout.TAIL_CALL_HELPER));
    }

    @SafeVarargs
    static List<Instruction> program(List<? extends AsmItem>... parts) {
        List<AsmItem> items = new ArrayList<>();
        for (List<? extends AsmItem> p : parts) {
            items.addAll(p);
        }
        return assemble(items);
    }

    /** cb[0] counts its runs; it tail-calls slot 0 (itself when put there) and returns 1 when that fails. */
    static List<Instruction> selfLoop(Instruction array) {
        return program(List.of(mov64(R6, R1)), bump(0), tailCall(array, 0), List.of(mov64(R0, 1), exit()));
    }

    /** size empty slots. */
    private static List<List<Instruction>> empty(int size) {
        return new ArrayList<>(Collections.nCopies(size, (List<Instruction>) null));
    }

    private static List<List<Instruction>> slots(int size, List<Instruction> slot0) {
        List<List<Instruction>> out = empty(size);
        out.set(0, slot0);
        return out;
    }

    /** Tail calls through slot 0 of a self-loop, as many as the count allows, run from the program itself. */
    static TailCallCase loop() {
        return new TailCallCase("self loop", 4, a -> slots(4, selfLoop(a)), TailCallCase::selfLoop);
    }

    /**
     * Before entering the self loop, attempts tail calls that fail, attempts times: through index (out of
     * range or an empty slot); cb[1] counts the fall-throughs. If a failed attempt counted, fewer loop runs.
     */
    static TailCallCase failuresFirst(String what, int index, int attempts) {
        Function<Instruction, List<Instruction>> entry = a -> program(List.of(mov64(R6, R1), mov64(R7, attempts),
                label("again")), tailCall(a, index), bump(1), List.of(add64(R7, -1), jump(JumpOp.JNE, R7, 0, "again")),
                tailCall(a, 0), List.of(mov64(R0, 2), exit()));
        return new TailCallCase(attempts + " tail calls " + what + ", then the self loop", 4,
                a -> slots(4, selfLoop(a)), entry);
    }

    /**
     * Programs 0..length-1 in slots 0..length-1: program i counts in cb[0], writes i to cb[1], tail-calls slot
     * i + 1 and returns 500 + i when that fails. The entry is program 0 itself, so program i is tail call i.
     */
    static TailCallCase chain(int length) {
        int size = length + 2;
        Function<Instruction, List<List<Instruction>>> slots = a -> {
            List<List<Instruction>> out = empty(size);
            for (int i = 0; i < length; i++) {
                out.set(i, link(a, i));
            }
            return out;
        };
        return new TailCallCase("chain of " + length + " programs", size, slots, a -> link(a, 0));
    }

    /**
     * The links of {@link #chain} entered from a subprogram: main calls f, f tail-calls link 0, so every link
     * runs at frame depth 1 and makes its tail call from its own main program; the last returns to main.
     */
    static TailCallCase chainFromSubprogram(int length) {
        TailCallCase chain = chain(length);
        Function<Instruction, List<Instruction>> entry = a -> program(List.of(mov64(R6, R1), callLocal("f"), exit(),
                label("f"), mov64(R6, R1)), tailCall(a, 0), List.of(mov64(R0, 9), exit()));
        return new TailCallCase("chain of " + length + " programs entered from a subprogram", chain.maxEntries(),
                chain.slots(), entry);
    }

    private static List<Instruction> link(Instruction array, int i) {
        return program(List.of(mov64(R6, R1)), bump(0), List.of(mov64(R0, i), stx(Size.W, R6, cb(1), R0)),
                tailCall(array, i + 1), List.of(mov64(R0, 500 + i), exit()));
    }

    /**
     * The main program calls subprogram f calls times; f first attempts the failing indexes given, then
     * tail-calls slot 0, whose program counts its runs in cb[1] and returns to main; when that fails f counts
     * in cb[0]. The count is the invocation's, shared by every frame.
     */
    static TailCallCase fromSubprogram(int calls, int... failing) {
        Function<Instruction, List<Instruction>> entry = a -> {
            List<AsmItem> f = new ArrayList<>(List.of(label("f"), mov64(R6, R1)));
            for (int index : failing) {
                f.addAll(tailCall(a, index));
            }
            f.addAll(tailCall(a, 0));
            f.addAll(bump(0));
            f.addAll(List.of(mov64(R0, 0), exit()));
            return program(List.of(mov64(R6, R1), mov64(R7, calls), label("loop"), mov64(R1, R6), callLocal("f"),
                    add64(R7, -1), jump(JumpOp.JNE, R7, 0, "loop"), mov64(R0, 3), exit()), f);
        };
        List<Instruction> target = program(List.of(mov64(R6, R1)), bump(1), List.of(mov64(R0, 4), exit()));
        return new TailCallCase(calls + " tail calls from a subprogram after failing at " + Arrays.toString(failing),
                4, a -> slots(4, target), entry);
    }

    /**
     * Program T calls subprogram g, which counts in cb[0] and tail-calls T (slot 0): every hop leaves one more
     * caller frame below the next T, as in the kernel (a tail call unwinds only the current frame).
     */
    static TailCallCase nestedFromSubprogram() {
        Function<Instruction, List<Instruction>> t = a -> program(List.of(mov64(R6, R1), mov64(R1, R6), callLocal("g"),
                mov64(R0, 5), exit(), label("g"), mov64(R6, R1)), bump(0), tailCall(a, 0),
                List.of(mov64(R0, 6), exit()));
        return new TailCallCase("tail calls from a subprogram into a program that calls it again", 4,
                a -> slots(4, t.apply(a)), t);
    }

    /**
     * Main calls f, which tail-calls slot 0: a chain of 8 frames whose deepest counts in cb[1] and returns 11.
     * When the tail call fails f counts in cb[0] and returns 9.
     */
    static TailCallCase eightFrameTargetFromSubprogram() {
        List<AsmItem> target = new ArrayList<>(List.of(mov64(R6, R1)));
        for (int d = 1; d < FrameLayout.MAX_FRAMES; d++) {
            target.addAll(List.of(mov64(R1, R6), callLocal("d" + d), exit(), label("d" + d), mov64(R6, R1)));
        }
        target.addAll(bump(1));
        target.addAll(List.of(mov64(R0, 11), exit()));
        Function<Instruction, List<Instruction>> entry = a -> program(List.of(mov64(R6, R1), callLocal("f"), exit(),
                label("f"), mov64(R6, R1)), tailCall(a, 0), bump(0), List.of(mov64(R0, 9), exit()));
        return new TailCallCase("tail call from a subprogram into a chain of 8 frames", 4,
                a -> slots(4, assemble(target)), entry);
    }

    @Override
    public String toString() {
        return name;
    }
}
