package dev.bpftime.vm;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpftime.isa.Asm;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.PseudoSource;
import dev.bpftime.isa.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Tail calls from bpf-to-bpf calls: the target replaces the calling subprogram's frame, so it must fit in
 * the frames that subprogram's callers left (as the JIT's resolver checks, jit/README.md), and the count
 * of 33 is one per invocation whatever frame the calls come from.
 */
class TailCallFramesTest {

    private static final int PROG_ARRAY = 7;
    private static final int FELL_THROUGH = 1000;

    /** r0 = 2000 + frames after a chain of frames - 1 local calls. */
    private static List<AsmItem> chain(int frames) {
        List<AsmItem> items = new ArrayList<>();
        for (int d = 0; d < frames; d++) {
            if (d > 0) {
                items.add(label("g" + d));
            }
            if (d + 1 < frames) {
                items.add(callLocal("g" + (d + 1)));
            } else {
                items.add(mov64(R0, 2000 + frames));
            }
            items.add(exit());
        }
        return items;
    }

    /** Tail-calls PROG_ARRAY[0] from frame depth (0: the main program); each frame returning adds 1. */
    private static Interpreter callerAtDepth(int depth) {
        List<AsmItem> items = new ArrayList<>();
        for (int d = 0; d < depth; d++) {
            if (d > 0) {
                items.add(label("f" + d));
            }
            items.add(callLocal("f" + (d + 1)));
            items.add(add64(R0, 1));
            items.add(exit());
        }
        if (depth > 0) {
            items.add(label("f" + depth));
        }
        items.addAll(List.of(mov64(R2, PROG_ARRAY), mov64(R3, 0), call(KernelConstants.HELPER_TAIL_CALL),
                mov64(R0, FELL_THROUGH), exit()));
        return Interpreter.load(Asm.assemble(items.toArray(AsmItem[]::new)));
    }

    @Test
    void framesAreTheDeepestChainOfLocalCalls() {
        for (int frames = 1; frames <= KernelConstants.MAX_FRAMES; frames++) {
            try (Interpreter vm = Interpreter.load(Asm.assemble(chain(frames).toArray(AsmItem[]::new)))) {
                assertEquals(frames, vm.frames());
            }
        }
    }

    @Test
    void aCallbackDeeperThanTheMainProgramCounts() {
        // main: r2 = &callback (the lddw in slots 0-1, the callback at slot 4), whose chain is 3 frames deep.
        try (Interpreter vm = Interpreter.load(Asm.assemble(ldImm64(R2, PseudoSource.FUNC, 3), mov64(R0, 0), exit(),
                label("cb"), callLocal("leaf"), exit(), label("leaf"), callLocal("leaf2"), exit(),
                label("leaf2"), mov64(R0, 1), exit()))) {
            assertEquals(3, vm.frames());
        }
    }

    /** Its tail calls add nothing: each asks for its target's frames when it is made. */
    @Test
    void aProgramThatTailCallsNeedsItsOwnChainOnly() {
        for (int depth = 0; depth < KernelConstants.MAX_FRAMES; depth++) {
            try (Interpreter vm = callerAtDepth(depth)) {
                assertEquals(depth + 1, vm.frames(), "tail call from depth " + depth);
            }
        }
    }

    @Test
    void recursionCountsAsAllEightFrames() {
        try (Interpreter vm = Interpreter.load(Asm.assemble(callLocal("f"), exit(), label("f"),
                jump(dev.bpftime.isa.JumpOp.JEQ, R1, 0, "out"), add64(R1, -1), callLocal("f"), label("out"),
                exit()))) {
            assertEquals(KernelConstants.MAX_FRAMES, vm.frames());
        }
    }

    /** Every caller depth against every target size: the target runs exactly when it fits in 8 - depth. */
    @Test
    void aTargetRunsOnlyWhenItFitsInTheFramesLeft() {
        for (int depth = 0; depth < KernelConstants.MAX_FRAMES; depth++) {
            for (int frames = 1; frames <= KernelConstants.MAX_FRAMES; frames++) {
                try (Interpreter caller = callerAtDepth(depth);
                     Interpreter target = Interpreter.load(Asm.assemble(chain(frames).toArray(AsmItem[]::new)))) {
                    caller.setTailCallHook((array, index) -> array == PROG_ARRAY && index == 0 ? target : null);
                    long expected = (frames <= KernelConstants.MAX_FRAMES - depth ? 2000 + frames : FELL_THROUGH) + depth;
                    assertEquals(expected, caller.run(new byte[0]), "depth " + depth + ", target of " + frames + " frames");
                }
            }
        }
    }

    /** A one-frame target that makes tail calls of its own runs from every depth, as in the kernel. */
    @Test
    void aTargetThatTailCallsRunsFromEveryDepth() {
        for (int depth = 0; depth < KernelConstants.MAX_FRAMES; depth++) {
            try (Interpreter caller = callerAtDepth(depth);
                 Interpreter target = Interpreter.load(Asm.assemble(mov64(R2, PROG_ARRAY), mov64(R3, 9),
                         call(KernelConstants.HELPER_TAIL_CALL), mov64(R0, 3000), exit()))) {
                target.setTailCallHook((array, index) -> null);
                caller.setTailCallHook((array, index) -> index == 0 ? target : null);
                assertEquals(3000 + depth, caller.run(new byte[0]), "depth " + depth);
            }
        }
    }

    /**
     * A subprogram called 40 times, each time attempting a tail call: when the target is there, 33 run and the
     * 34th attempt is not even asked; when it is not, every attempt is asked, none counting.
     */
    @Test
    void theCountIsOnePerInvocationAcrossFrames() {
        try (Interpreter target = Interpreter.load(Asm.assemble(mov64(R0, 0), exit()));
             Interpreter vm = Interpreter.load(Asm.assemble(mov64(R6, 40), label("loop"), callLocal("f"),
                add64(R6, -1), jump(dev.bpftime.isa.JumpOp.JNE, R6, 0, "loop"), mov64(R0, 0), exit(),
                label("f"), mov64(R2, PROG_ARRAY), mov64(R3, 5), call(KernelConstants.HELPER_TAIL_CALL),
                mov64(R0, 0), exit()))) {
            AtomicInteger asked = new AtomicInteger();
            vm.setTailCallHook((array, index) -> {
                asked.incrementAndGet();
                return target;
            });
            assertEquals(0, vm.run(new byte[0]));
            assertEquals(KernelConstants.MAX_TAIL_CALLS, asked.get());
            asked.set(0);
            vm.run(new byte[0]);
            assertEquals(KernelConstants.MAX_TAIL_CALLS, asked.get(), "a new invocation starts from 0");
            vm.setTailCallHook((array, index) -> {
                asked.incrementAndGet();
                return null;
            });
            asked.set(0);
            vm.run(new byte[0]);
            assertEquals(40, asked.get(), "failed attempts do not count");
        }
    }

    @Test
    void aTargetReturnsIntoTheCallersCallerWithItsRegisters() {
        try (Interpreter caller = Interpreter.load(Asm.assemble(mov64(R6, 11), callLocal("f"), add64(R0, R6), exit(),
                label("f"), mov64(R6, 0), stx(Size.DW, R10, -8, R6), mov64(R2, PROG_ARRAY), mov64(R3, 0),
                call(KernelConstants.HELPER_TAIL_CALL), mov64(R0, FELL_THROUGH), exit()));
             Interpreter target = Interpreter.load(Asm.assemble(chain(7).toArray(AsmItem[]::new)))) {
            caller.setTailCallHook((array, index) -> target);
            assertEquals(2007 + 11, caller.run(new byte[0]), "a 7-frame target fits below one caller frame");
        }
    }
}
