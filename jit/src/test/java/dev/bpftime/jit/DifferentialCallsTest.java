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
 * Five-argument helper calls, eight frames of 512 bytes and tail calls, run on the JIT and on the interpreter
 * with the same programs and memory: both must give the same r0 and leave the same memory.
 */
class DifferentialCallsTest {

    private static final int MEMORY = 64;

    /** r0 and the memory after a run. */
    private record Outcome(long r0, List<Long> memory) {
    }

    private static Outcome onJit(List<Instruction> program, Memory memory) {
        memory.clear();
        try (ExecutableImage code = ExecutableImage.load(new JitCompiler().compile(program), TestNative.linker())) {
            long r0 = code.run(Pointer.nativeValue(memory), MEMORY);
            return new Outcome(r0, longs(memory));
        }
    }

    private static Outcome onInterpreter(List<Instruction> program, Memory memory) {
        memory.clear();
        Pointer table = new Pointer(TestNative.helperTable());
        try (Interpreter vm = Interpreter.load(program)) {
            for (int id = 1; id <= 6; id++) {
                vm.registerHelper(id, table.getPointer(8L * id));
            }
            long r0 = vm.run(memory, MEMORY);
            return new Outcome(r0, longs(memory));
        }
    }

    private static List<Long> longs(Memory m) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < MEMORY; i += 8) {
            out.add(m.getLong(i));
        }
        return out;
    }

    private static void sameOnBoth(long expectedR0, AsmItem... items) {
        List<Instruction> program = assemble(items);
        try (Memory memory = new Memory(MEMORY)) {
            Outcome jit = onJit(program, memory);
            Outcome vm = onInterpreter(program, memory);
            assertEquals(vm, jit, "jit vs interpreter");
            assertEquals(expectedR0, jit.r0());
        }
    }

    @Test
    void fiveArgumentHelper() {
        sameOnBoth(98765, mov64(R1, 5), mov64(R2, 6), mov64(R3, 7), mov64(R4, 8), mov64(R5, 9),
                call(TestNative.WEIGHTED_SUM), exit());
    }

    /** Eight frames, each filling its 512 bytes and checking them after the deeper frames return. */
    @Test
    void eightFullFrames() {
        List<AsmItem> items = new ArrayList<>();
        items.add(mov64(R9, R1));
        for (int d = 0; d < 8; d++) {
            if (d > 0) {
                items.add(label("f" + d));
            }
            items.add(mov64(R7, -512));
            items.add(label("fill" + d));
            items.add(mov64(R2, R10));
            items.add(add64(R2, R7));
            items.add(stx(Size.DW, R2, 0, R7));
            items.add(add64(R7, 8));
            items.add(jump(JumpOp.JSLT, R7, 0, "fill" + d));
            items.add(mov64(R6, 0));
            if (d < 7) {
                items.add(callLocal("f" + (d + 1)));
                items.add(mov64(R6, R0));
            }
            items.add(mov64(R7, -512));
            items.add(label("check" + d));
            items.add(mov64(R2, R10));
            items.add(add64(R2, R7));
            items.add(ldx(Size.DW, R3, R2, 0));
            items.add(alu64(AluOp.SUB, R3, R7));
            items.add(add64(R6, R3)); // 0 when the slot still holds its offset
            items.add(add64(R7, 8));
            items.add(jump(JumpOp.JSLT, R7, 0, "check" + d));
            items.add(mov64(R0, R6));
            items.add(add64(R0, 1)); // counts the frames that returned
            items.add(exit());
        }
        sameOnBoth(8, items.toArray(AsmItem[]::new));
    }

    /**
     * A program that counts its runs in memory and tail-calls itself, after a failing attempt on an empty
     * slot each run: as in the kernel's x86 JIT only the 33 taken tail calls count, and R0 survives the
     * failed ones.
     */
    @Test
    void tailCallsCountLikeTheKernel() {
        try (Memory array = new Memory(8 + 16 * 2); Memory memory = new Memory(MEMORY)) {
            array.clear();
            array.setLong(0, 2);
            long handle = Pointer.nativeValue(array);
            List<Instruction> program = assemble(
                    mov64(R6, R1),
                    ldx(Size.DW, R7, R6, 0), add64(R7, 1), stx(Size.DW, R6, 0, R7), // runs
                    mov64(R0, 555), mov64(R1, R6), lddw(R2, handle), mov64(R3, 1), call(12), // slot 1 is empty
                    stx(Size.DW, R6, 8, R0), // R0 kept: 555
                    mov64(R1, R6), lddw(R2, handle), mov64(R3, 0), call(12),
                    ldx(Size.DW, R0, R6, 0), exit());
            JitImage image = new JitCompiler().compile(program);
            Outcome jit;
            try (ExecutableImage code = ExecutableImage.load(image, TestNative.linker())) {
                array.setLong(8, code.tailCallEntryAddress());
                array.setLong(16, image.frames());
                memory.clear();
                jit = new Outcome(code.run(Pointer.nativeValue(memory), MEMORY), longs(memory));
            }
            Outcome vm;
            try (Interpreter interpreter = Interpreter.load(program)) {
                interpreter.setTailCallHook((progArray, index) -> progArray == handle && index == 0 ? interpreter : null);
                memory.clear();
                vm = new Outcome(interpreter.run(memory, MEMORY), longs(memory));
            }
            assertEquals(vm, jit, "jit vs interpreter");
            // The entry run and 33 tail-called runs; the 34 attempts on slot 1 took none of the count.
            assertEquals(1 + FrameLayout.MAX_TAIL_CALLS, jit.r0());
            assertEquals(555, jit.memory().get(1));
        }
    }
}
