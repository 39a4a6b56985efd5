package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Opcode;
import dev.bpftime.isa.Register;
import dev.bpftime.isa.Size;
import dev.bpftime.jit.run.ExecutableImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Helper calls, bpf-to-bpf calls with their frames, the unwind helper, callx, and reentrancy. */
class CallTest {

    @Test
    void helperGetsFiveArgumentsInOrder() {
        long r = Jit.run(mov64(R1, 1), mov64(R2, 2), mov64(R3, 3), mov64(R4, 4), mov64(R5, 5),
                call(TestNative.WEIGHTED_SUM), exit());
        assertEquals(54321, r);
    }

    @Test
    void calleeSavedRegistersSurviveAHelperThatClobbersEverythingElse() {
        // r6-r9 hold values across a helper that writes every caller-saved register; r10 still works.
        long r = Jit.run(mov64(R6, 6), mov64(R7, 7), mov64(R8, 8), mov64(R9, 9), st(Size.DW, R10, -8, 10),
                mov64(R1, 41), call(TestNative.CLOBBER), // r0 = 42
                add64(R0, R6), add64(R0, R7), add64(R0, R8), add64(R0, R9),
                ldx(Size.DW, R1, R10, -8), add64(R0, R1), exit());
        assertEquals(42 + 6 + 7 + 8 + 9 + 10, r);
    }

    @Test
    void helperSeesStackPointerAligned() {
        // With 0 to 4 of r6-r9 written, the prologue pushes an odd or even count; rsp is aligned either way.
        for (int written = 0; written <= 4; written++) {
            List<AsmItem> items = new ArrayList<>();
            for (int i = 0; i < written; i++) {
                items.add(mov64(Register.of(6 + i), i));
            }
            items.add(call(TestNative.RSP_MOD16));
            items.add(exit());
            assertEquals(8, Jit.run(items.toArray(AsmItem[]::new)), written + " callee-saved registers written");
        }
    }

    @Test
    void helperReadsAndWritesTheProgramStack() {
        long r = Jit.run(mov64(R1, R10), add64(R1, -16), mov64(R2, 7), mov64(R3, 16), call(TestNative.FILL_BYTES),
                mov64(R1, R10), add64(R1, -16), mov64(R2, 16), call(TestNative.SUM_BYTES), exit());
        assertEquals(16 * 7, r);
    }

    @Test
    void localCallPassesArgumentsReturnsR0AndPreservesR6ToR9() {
        long r = Jit.run(mov64(R6, 60), mov64(R7, 70), mov64(R8, 80), mov64(R9, 90),
                mov64(R1, 1), mov64(R2, 2), mov64(R3, 3), mov64(R4, 4), mov64(R5, 5), callLocal("f"),
                add64(R0, R6), add64(R0, R7), add64(R0, R8), add64(R0, R9), exit(),
                label("f"), mov64(R0, R1), add64(R0, R2), add64(R0, R3), add64(R0, R4), add64(R0, R5),
                mov64(R6, 0), mov64(R7, 0), mov64(R8, 0), mov64(R9, 0), exit());
        assertEquals(15 + 60 + 70 + 80 + 90, r);
    }

    /**
     * Eight frames, the kernel's limit: each fills all 512 bytes of its frame with its own pattern, calls
     * the next, and after the return counts the bytes that changed; a helper checks rsp alignment at every
     * depth. The sum of mismatches and misalignments must be 0; r0 also carries the depth reached.
     */
    @Test
    void eightFramesEachWithItsOwn512Bytes() {
        List<AsmItem> items = new ArrayList<>(); // f0 is the main program, run with r1 = 0
        for (int d = 0; d < 8; d++) {
            items.add(label("f" + d));
            items.add(mov64(R6, R1)); // the depth
            items.add(mov64(R7, -512));
            items.add(label("fill" + d));
            items.add(mov64(R2, R10));
            items.add(add64(R2, R7));
            items.add(st(Size.B, R2, 0, 0x10 + d));
            items.add(add64(R7, 1));
            items.add(jump(JumpOp.JSLT, R7, 0, "fill" + d));
            items.add(call(TestNative.RSP_MOD16));
            items.add(alu64(AluOp.XOR, R0, 8)); // 0 when aligned
            items.add(mov64(R8, R0));
            if (d < 7) {
                items.add(mov64(R1, R6));
                items.add(add64(R1, 1));
                items.add(callLocal("f" + (d + 1)));
                items.add(mov64(R9, R0)); // what the deeper frames report
            } else {
                items.add(mov64(R9, 1000)); // the deepest frame reports that it was reached
            }
            items.add(mov64(R7, -512));
            items.add(label("check" + d));
            items.add(mov64(R2, R10));
            items.add(add64(R2, R7));
            items.add(ldx(Size.B, R3, R2, 0));
            items.add(jump(JumpOp.JEQ, R3, 0x10 + d, "same" + d));
            items.add(add64(R8, 1));
            items.add(label("same" + d));
            items.add(add64(R7, 1));
            items.add(jump(JumpOp.JSLT, R7, 0, "check" + d));
            items.add(mov64(R0, R8));
            items.add(add64(R0, R9));
            items.add(exit());
        }
        JitImage image = new JitCompiler().compile(assemble(items));
        assertEquals(8, image.frames());
        assertEquals(1000, Jit.run(assemble(items), 0, 0));
    }

    @Test
    void calleeWritesIntoCallerFrameThroughAPointer() {
        long r = Jit.run(st(Size.DW, R10, -8, 1), mov64(R1, R10), add64(R1, -8), callLocal("f"),
                ldx(Size.DW, R0, R10, -8), exit(),
                label("f"), st(Size.DW, R10, -8, 99), // the callee's own slot, a different address
                ldx(Size.DW, R2, R1, 0), add64(R2, 41), stx(Size.DW, R1, 0, R2), exit());
        assertEquals(42, r);
    }

    @Test
    void nineFramesAreRefused() {
        List<AsmItem> items = new ArrayList<>();
        for (int d = 0; d < 9; d++) {
            items.add(label("f" + d));
            if (d < 8) {
                items.add(callLocal("f" + (d + 1)));
            }
            items.add(mov64(R0, d));
            items.add(exit());
        }
        JitException e = assertThrows(JitException.class, () -> new JitCompiler().compile(assemble(items)));
        assertEquals("at instruction 0: call chain too deep: actual 9 frames vs expected at most 8", e.getMessage());
    }

    @Test
    void unwindHelperEndsTheInvocationFromAnyDepth() {
        List<Instruction> program = assemble(mov64(R6, 1), callLocal("f"), mov64(R0, 7), exit(),
                label("f"), callLocal("g"), mov64(R0, 8), exit(),
                label("g"), mov64(R1, 0), call(TestNative.UNWIND), mov64(R0, 9), exit());
        assertEquals(0, Jit.run(program, JitOptions.CONFORMANCE, 0, 0));
        // Without the option the helper is an ordinary call.
        assertEquals(7, Jit.run(program, JitOptions.DEFAULT, 0, 0));
        // A non-zero result does not unwind.
        assertEquals(7, Jit.run(assemble(mov64(R1, 3), call(TestNative.UNWIND), mov64(R0, 7), exit()),
                JitOptions.CONFORMANCE, 0, 0));
    }

    @Test
    void callxCallsTheHelperWhoseIdIsInARegister() {
        Instruction callx = new Instruction(Opcode.CALLX, R6, R0, 0, 0);
        assertEquals(54321, Jit.run(assemble(mov64(R1, 1), mov64(R2, 2), mov64(R3, 3), mov64(R4, 4), mov64(R5, 5),
                mov64(R6, TestNative.WEIGHTED_SUM), callx, exit()), 0, 0));
        // An id outside the table ends the invocation with r0 = 0 instead of jumping anywhere.
        assertEquals(0, Jit.run(assemble(mov64(R0, 5), lddw(R6, 1L << 40), callx, mov64(R0, 7), exit()), 0, 0));
        assertEquals(0, Jit.run(assemble(mov64(R0, 5), mov64(R6, -1), callx, mov64(R0, 7), exit()), 0, 0));
        // The unwind helper by register unwinds as by immediate.
        assertEquals(0, Jit.run(assemble(mov64(R1, 0), mov64(R6, TestNative.UNWIND), callx, mov64(R0, 7), exit()),
                JitOptions.CONFORMANCE, 0, 0));
        assertEquals(7, Jit.run(assemble(mov64(R1, 0), mov64(R6, TestNative.SUM_BYTES), callx, mov64(R0, 7), exit()),
                JitOptions.CONFORMANCE, 0, 0));
    }

    /** Many threads run one image at once; each invocation has its own frames. */
    @Test
    void reentrantAcrossThreads() throws Exception {
        // Stores r1 into all 64 stack slots, calls a subprogram that does the same in its frame, sums all.
        List<AsmItem> items = new ArrayList<>();
        for (int off = -512; off < 0; off += 8) {
            items.add(stx(Size.DW, R10, off, R1));
        }
        items.add(mov64(R6, R1));
        items.add(callLocal("f"));
        for (int off = -512; off < 0; off += 8) {
            items.add(ldx(Size.DW, R2, R10, off));
            items.add(add64(R0, R2));
        }
        items.add(exit());
        items.add(label("f"));
        items.add(mov64(R0, 0));
        for (int off = -512; off < 0; off += 8) {
            items.add(stx(Size.DW, R10, off, R1));
        }
        items.add(call(TestNative.CLOBBER)); // r0 = r1 + 1, and a chance for other threads to run
        for (int off = -512; off < 0; off += 8) {
            items.add(ldx(Size.DW, R2, R10, off));
            items.add(add64(R0, R2));
        }
        items.add(exit());
        JitImage image = new JitCompiler().compile(assemble(items));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (ExecutableImage code = ExecutableImage.load(image, TestNative.linker())) {
            List<Future<Long>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = 1000 + t;
                results.add(pool.submit(() -> {
                    long bad = 0;
                    for (long i = 0; i < 2000; i++) {
                        long x = seed * 100000 + i;
                        if (code.run(x, 0) != 128 * x + x + 1) {
                            bad++;
                        }
                    }
                    return bad;
                }));
            }
            for (Future<Long> f : results) {
                assertEquals(0L, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void stackSizeCoversTheFrames() {
        // A program naming r10 gets the frame even when it calls nothing (a leaf has none: LeafEntryTest).
        JitImage image = new JitCompiler().compile(assemble(st(Size.DW, R10, -8, 0), mov64(R0, 0), exit()));
        assertEquals(1, image.frames());
        assertTrue(image.stackBytes() >= 512 + 56, "stack bytes " + image.stackBytes());
    }

    static long address(Memory m) {
        return Pointer.nativeValue(m);
    }
}
