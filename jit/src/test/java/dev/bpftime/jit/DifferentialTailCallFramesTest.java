package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Size;
import dev.bpftime.jit.run.ExecutableImage;
import dev.bpftime.vm.Interpreter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tail calls from nested frames on the JIT and the interpreter: a caller tail-calls from frame depth d
 * (0..7) a target whose deepest call chain is c frames (1..8), or a one-frame target that itself makes tail
 * calls (it needs one frame, not eight: its own tail calls check their targets as they run). Both
 * engines must count the same frames for every program and agree on every outcome: the target runs in
 * place of the calling subprogram when it fits in the frames left (c <= 8 - d), the call falls through
 * otherwise, and the callers' frames are intact either way. The count of 33 is one per invocation across
 * frames on both.
 */
class DifferentialTailCallFramesTest {

    private static final int FELL_THROUGH = 1000;
    private static final int CANARY = 100;

    /**
     * A chain of frames - 1 local calls; each frame writes the top and bottom doublewords of its 512 bytes,
     * the deepest returns 2000 + frames.
     */
    private static List<Instruction> target(int frames) {
        List<AsmItem> items = new ArrayList<>();
        for (int d = 0; d < frames; d++) {
            if (d > 0) {
                items.add(label("g" + d));
            }
            items.add(st(Size.DW, R10, -8, -1));
            items.add(st(Size.DW, R10, -512, -1));
            items.add(d + 1 < frames ? callLocal("g" + (d + 1)) : mov64(R0, 2000 + frames));
            items.add(exit());
        }
        return assemble(items.toArray(AsmItem[]::new));
    }

    /** A target that tail-calls an empty slot and returns 3000. */
    private static List<Instruction> tailCallingTarget(long array) {
        return assemble(lddw(R2, array), mov64(R3, 1), call(FrameLayout.TAIL_CALL_HELPER), mov64(R0, 3000), exit());
    }

    /**
     * Tail-calls array[0] from frame depth (0: the main program). Each frame above keeps a canary at
     * r10 - 8 across its call and, once the call returns, adds 1 plus the canary's damage to r0.
     */
    private static List<Instruction> caller(int depth, long array) {
        List<AsmItem> items = new ArrayList<>();
        for (int d = 0; d < depth; d++) {
            if (d > 0) {
                items.add(label("f" + d));
            }
            items.add(st(Size.DW, R10, -8, CANARY + d));
            items.add(callLocal("f" + (d + 1)));
            items.add(ldx(Size.DW, R1, R10, -8));
            items.add(add64(R1, -(CANARY + d)));
            items.add(alu64(AluOp.ADD, R0, R1));
            items.add(add64(R0, 1));
            items.add(exit());
        }
        if (depth > 0) {
            items.add(label("f" + depth));
        }
        items.addAll(List.of(lddw(R2, array), mov64(R3, 0), call(FrameLayout.TAIL_CALL_HELPER), mov64(R0, FELL_THROUGH),
                exit()));
        return assemble(items.toArray(AsmItem[]::new));
    }

    /** r0 of the caller on the JIT, the target in array[0] (the resolver's prog array of jit_test_helpers.c). */
    private static long onJit(List<Instruction> caller, List<Instruction> target, Memory array) {
        JitCompiler compiler = new JitCompiler();
        JitImage targetImage = compiler.compile(target);
        JitImage callerImage = compiler.compile(caller);
        try (ExecutableImage t = ExecutableImage.load(targetImage, TestNative.linker());
             ExecutableImage c = ExecutableImage.load(callerImage, TestNative.linker());
             Memory ctx = new Memory(8)) {
            array.setLong(0, 1);
            array.setLong(8, t.tailCallEntryAddress());
            array.setLong(16, targetImage.frames());
            return c.run(Pointer.nativeValue(ctx), 8);
        } finally {
            array.setLong(8, 0);
        }
    }

    private static long onInterpreter(List<Instruction> caller, List<Instruction> target, long array) {
        try (Interpreter t = Interpreter.load(target); Interpreter c = Interpreter.load(caller)) {
            t.setTailCallHook((a, index) -> null);
            c.setTailCallHook((a, index) -> a == array && index == 0 ? t : null);
            return c.run(new byte[8]);
        }
    }

    /** The frames both engines count for a program. */
    private static int frames(List<Instruction> program) {
        int jit = new JitCompiler().compile(program).frames();
        try (Interpreter vm = Interpreter.load(program)) {
            assertEquals(jit, vm.frames(), "frames: interpreter vs JIT");
        }
        return jit;
    }

    @Test
    void everyCallerDepthAgainstEveryTargetDepth() {
        try (Memory array = new Memory(8 + 16 * 2)) {
            array.clear();
            long handle = Pointer.nativeValue(array);
            for (int depth = 0; depth < FrameLayout.MAX_FRAMES; depth++) {
                List<Instruction> caller = caller(depth, handle);
                assertEquals(depth + 1, frames(caller), "its own chain; its tail call adds nothing");
                for (int c = 1; c <= FrameLayout.MAX_FRAMES; c++) {
                    List<Instruction> target = target(c);
                    assertEquals(c, frames(target));
                    long jit = onJit(caller, target, array);
                    long vm = onInterpreter(caller, target, handle);
                    String where = "tail call from depth " + depth + " into " + c + " frames";
                    assertEquals(vm, jit, where + ": JIT vs interpreter");
                    assertEquals((c <= FrameLayout.MAX_FRAMES - depth ? 2000 + c : FELL_THROUGH) + depth, jit, where);
                }
                List<Instruction> tailCalling = tailCallingTarget(handle);
                long jit = onJit(caller, tailCalling, array);
                assertEquals(onInterpreter(caller, tailCalling, handle), jit, "depth " + depth + ", tail-calling target");
                assertEquals(3000 + depth, jit, "it needs one frame, its own tail call asking for its target's");
            }
        }
    }

    /**
     * A subprogram called 40 times tail-calls a target each time: 33 replace it (the target counts its runs
     * in ctx[1] and returns to the main program), the other 7 fall through (f counts them in ctx[0]).
     */
    @Test
    void theCountIsSharedByEveryFrameOfAnInvocation() {
        try (Memory array = new Memory(8 + 16); Memory ctx = new Memory(16)) {
            array.clear();
            long handle = Pointer.nativeValue(array);
            List<Instruction> program = assemble(mov64(R6, R1), mov64(R7, 40), label("loop"), mov64(R1, R6),
                    callLocal("f"), add64(R7, -1), jump(JumpOp.JNE, R7, 0, "loop"),
                    ldx(Size.DW, R0, R6, 0), alu64(AluOp.MUL, R0, 100), ldx(Size.DW, R1, R6, 8), alu64(AluOp.ADD, R0, R1),
                    exit(),
                    label("f"), mov64(R6, R1), lddw(R2, handle), mov64(R3, 0), call(FrameLayout.TAIL_CALL_HELPER),
                    ldx(Size.DW, R0, R6, 0), add64(R0, 1), stx(Size.DW, R6, 0, R0), exit());
            List<Instruction> target = assemble(ldx(Size.DW, R0, R1, 8), add64(R0, 1), stx(Size.DW, R1, 8, R0), exit());
            JitImage targetImage = new JitCompiler().compile(target);
            long jit;
            try (ExecutableImage t = ExecutableImage.load(targetImage, TestNative.linker());
                 ExecutableImage code = ExecutableImage.load(new JitCompiler().compile(program), TestNative.linker())) {
                array.setLong(0, 1);
                array.setLong(8, t.tailCallEntryAddress());
                array.setLong(16, targetImage.frames());
                ctx.clear();
                jit = code.run(Pointer.nativeValue(ctx), 16);
            }
            long vm;
            try (Interpreter t = Interpreter.load(target); Interpreter interpreter = Interpreter.load(program)) {
                interpreter.setTailCallHook((a, index) -> a == handle && index == 0 ? t : null);
                ctx.clear();
                vm = interpreter.run(ctx, 16);
            }
            assertEquals(vm, jit, "JIT vs interpreter");
            assertEquals(7 * 100 + FrameLayout.MAX_TAIL_CALLS, jit, "33 target runs, then 7 fall-throughs");
        }
    }
}
