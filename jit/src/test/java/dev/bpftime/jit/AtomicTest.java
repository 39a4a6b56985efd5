package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.isa.AtomicOp;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.Register;
import dev.bpftime.isa.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every atomic operation, with and without fetch, on 32 and 64 bits, for every pair of address and value
 * registers: the memory word after, the value register after, and R0 after (the comparand and result of
 * cmpxchg; untouched by the others unless it is the value register).
 */
class AtomicTest {

    private static final long MASK32 = 0xffffffffL;
    private static final int[] OFFSETS = {0, -8, 200};

    static Stream<Arguments> operations() {
        List<Arguments> out = new ArrayList<>();
        for (Size size : new Size[] {Size.W, Size.DW}) {
            for (AtomicOp op : AtomicOp.values()) {
                boolean always = op == AtomicOp.XCHG || op == AtomicOp.CMPXCHG;
                out.add(Arguments.of(op, size, always));
                if (!always) {
                    out.add(Arguments.of(op, size, true));
                }
            }
        }
        return out.stream();
    }

    /** A case's inputs and the model's outputs. */
    private record Case(long cellBefore, long srcBefore, long r0Before, long cellAfter, long srcAfter, long r0After) {
    }

    private static Case model(AtomicOp op, Size size, boolean fetch, Register src, long cell, long srcValue,
            long r0) {
        boolean w = size == Size.W;
        long old = w ? cell & MASK32 : cell;
        long operand = w ? srcValue & MASK32 : srcValue;
        long stored = switch (op) {
            case ADD -> old + operand;
            case OR -> old | operand;
            case AND -> old & operand;
            case XOR -> old ^ operand;
            case XCHG -> operand;
            case CMPXCHG -> old == (w ? r0 & MASK32 : r0) ? operand : old;
        };
        long cellAfter = w ? (cell & ~MASK32) | (stored & MASK32) : stored;
        long srcAfter = srcValue;
        long r0After = r0;
        if (op == AtomicOp.CMPXCHG) {
            r0After = old;
            if (src == R0) {
                srcAfter = old;
            }
        } else if (fetch) {
            srcAfter = old;
            if (src == R0) {
                r0After = old;
            }
        }
        return new Case(cell, srcValue, r0, cellAfter, srcAfter, r0After);
    }

    @ParameterizedTest(name = "{0} {1} fetch={2}")
    @MethodSource("operations")
    void everyRegisterPair(AtomicOp op, Size size, boolean fetch) {
        Random random = new Random(op.ordinal() * 31 + size.ordinal());
        List<Instruction> program = new ArrayList<>();
        List<Case> cases = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int n = 10 * 10 * OFFSETS.length * 2;
        try (Memory cells = new Memory(8L * n); Memory results = new Memory(16L * n)) {
            long cellsAt = Pointer.nativeValue(cells);
            program.add(mov64(R9, R1));
            int k = 0;
            for (int d = 0; d <= 8; d++) {
                for (int s = 0; s <= 8; s++) {
                    for (int off : OFFSETS) {
                        for (boolean match : new boolean[] {false, true}) {
                            Register dst = Register.of(d);
                            Register src = Register.of(s);
                            long address = cellsAt + 8L * k - off;
                            long cell = random.nextLong();
                            long srcValue = src == dst ? address : random.nextLong();
                            long r0 = dst == R0 ? address : src == R0 ? srcValue : random.nextLong();
                            if (op == AtomicOp.CMPXCHG && match) {
                                // Make the comparison succeed: the comparand R0 equals the old value.
                                if (dst == R0 || src == R0) {
                                    cell = (cell & (size == Size.W ? ~MASK32 : 0)) | (r0 & (size == Size.W ? MASK32 : -1L));
                                } else {
                                    r0 = size == Size.W ? (random.nextLong() & ~MASK32) | (cell & MASK32) : cell;
                                }
                            }
                            Case c = model(op, size, fetch, src, cell, srcValue, r0);
                            cells.setLong(8L * k, cell);
                            program.add(lddw(R0, r0));
                            program.add(lddw(dst, address));
                            if (src != dst) {
                                program.add(lddw(src, srcValue));
                            }
                            program.add(atomic(size, op, fetch, dst, off, src));
                            program.add(stx(Size.DW, R9, 16 * k, src));
                            program.add(stx(Size.DW, R9, 16 * k + 8, R0));
                            cases.add(c);
                            names.add(op + " " + size + " fetch=" + fetch + " [" + dst + (off >= 0 ? "+" : "") + off
                                    + "], " + src + (match ? " (matching)" : ""));
                            k++;
                        }
                    }
                }
            }
            program.add(mov64(R0, 0));
            program.add(exit());
            Jit.run(program, Pointer.nativeValue(results), 0);
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                String name = names.get(i);
                assertEquals(hex(c.cellAfter), hex(cells.getLong(8L * i)), name + ": memory");
                assertEquals(hex(c.srcAfter), hex(results.getLong(16L * i)), name + ": value register");
                assertEquals(hex(c.r0After), hex(results.getLong(16L * i + 8)), name + ": r0");
            }
        }
    }

    private static String hex(long v) {
        return String.format("0x%x", v);
    }

    /** Four threads adding to one word at once lose no update: the add really is atomic. */
    @Test
    void concurrentAddsLoseNothing() throws Exception {
        int perThread = 20000;
        List<Instruction> program = assemble(mov64(R2, 1), mov64(R3, 0), label("loop"),
                atomic(Size.DW, AtomicOp.ADD, false, R1, 0, R2),
                mov64(R4, 1), atomic(Size.W, AtomicOp.ADD, true, R1, 8, R4),
                add64(R3, 1), jump(dev.bpftime.isa.JumpOp.JLT, R3, perThread, "loop"), mov64(R0, 0), exit());
        JitImage image = new JitCompiler().compile(program);
        try (Memory word = new Memory(16);
                var code = dev.bpftime.jit.run.ExecutableImage.load(image, TestNative.linker())) {
            word.clear();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> code.run(Pointer.nativeValue(word), 0));
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            assertEquals(4L * perThread, word.getLong(0));
            assertEquals(4L * perThread, word.getLong(8));
        }
    }
}
