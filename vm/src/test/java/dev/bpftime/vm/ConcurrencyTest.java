package dev.bpftime.vm;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.Asm;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One loaded program run by many threads at once: every invocation has its own registers and stack. */
class ConcurrencyTest {

    private static final int THREADS = 8;
    private static final int RUNS = 2_000;
    private static final int LOOP = 1_000;

    /**
     * Keeps v (read from the memory) on the stack, increments it there LOOP times, and adds 3 * v
     * computed by a local call through a pointer to that stack slot: r0 = 4 * v + LOOP. Another
     * invocation writing the same stack would change the result.
     */
    private static final List<dev.bpftime.isa.Instruction> PROGRAM = Asm.assemble(
            ldx(Size.DW, R6, R1, 0),
            stx(Size.DW, FP, -8, R6),
            mov64(R1, FP),
            add64(R1, -8),
            callLocal("triple"),
            mov64(R7, R0),
            mov64(R4, LOOP),
            label("loop"),
            ldx(Size.DW, R5, FP, -8),
            add64(R5, 1),
            stx(Size.DW, FP, -8, R5),
            alu64(AluOp.SUB, R4, 1),
            jump(JumpOp.JNE, R4, 0, "loop"),
            ldx(Size.DW, R0, FP, -8),
            add64(R0, R7),
            exit(),
            label("triple"),
            ldx(Size.DW, R2, R1, 0),
            alu64(AluOp.MUL, R2, 3),
            stx(Size.DW, FP, -16, R2),
            ldx(Size.DW, R0, FP, -16),
            exit());

    @Test
    void manyThreadsRunOneProgramAtOnce() throws Exception {
        for (boolean checked : new boolean[] {false, true}) {
            try (Interpreter vm = Interpreter.load(PROGRAM)) {
                vm.setBoundsChecking(checked);
                ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                try {
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<Integer>> done = new ArrayList<>();
                    for (int t = 0; t < THREADS; t++) {
                        long base = (t + 1) * 1_000_000_000L;
                        done.add(pool.submit(() -> {
                            start.await();
                            int correct = 0;
                            try (Memory mem = new Memory(8)) {
                                for (int i = 0; i < RUNS; i++) {
                                    long v = base + i;
                                    mem.setLong(0, v);
                                    if (vm.run(mem, 8) == 4 * v + LOOP) {
                                        correct++;
                                    }
                                }
                            }
                            return correct;
                        }));
                    }
                    start.countDown();
                    int correct = 0;
                    for (Future<Integer> f : done) {
                        correct += f.get(60, TimeUnit.SECONDS);
                    }
                    assertEquals(THREADS * RUNS, correct, checked ? "with bounds checks" : "without bounds checks");
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }
}
