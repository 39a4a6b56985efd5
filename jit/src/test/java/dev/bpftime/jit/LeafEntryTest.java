package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Register;
import dev.bpftime.isa.Size;
import dev.bpftime.jit.run.ExecutableImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A leaf program (one subprogram, no call, no use of r10) is its own C entry: no invocation block, no
 * frame, only the R6-R9 it writes saved. Every C entry, leaf or not, must leave the caller's rbx, rbp and
 * r12-r15 as they were (System V ABI 3.2.1), checked from C with known values in them.
 */
class LeafEntryTest {

    private static final JitCompiler COMPILER = new JitCompiler();

    /** Runs the image's entry from C; the mask of callee-saved registers it changed, and r0. */
    private static long[] runCheckingSaved(JitImage image, long r1) {
        try (ExecutableImage code = ExecutableImage.load(image, TestNative.linker())) {
            com.sun.jna.Function f = TestNative.library().getFunction("bpftime_jit_test_call_checking_saved");
            long changed = f.invokeLong(new Object[] {new com.sun.jna.Pointer(code.entryAddress()), r1});
            return new long[] {changed, code.run(r1, 0)};
        }
    }

    private static JitImage compile(List<AsmItem> items) {
        return COMPILER.compile(assemble(items.toArray(AsmItem[]::new)));
    }

    @Test
    void leafWritingR6ToR9KeepsTheCallersRegisters() {
        for (int written = 0; written <= 4; written++) {
            List<AsmItem> items = new ArrayList<>();
            items.add(mov64(R0, R1));
            for (int i = 0; i < written; i++) {
                Register r = Register.of(6 + i);
                items.add(mov64(r, 100 + i));
                items.add(add64(R0, r));
            }
            items.add(exit());
            JitImage image = compile(items);
            assertEquals(0, image.entryOffset(), "a leaf's entry is its first byte");
            assertEquals(image.entryOffset(), image.tailCallEntryOffset(), "and its tail-call entry");
            assertTrue(image.stackBytes() <= 8 + 4 * 8, "leaf stack bytes " + image.stackBytes());
            long expected = 5;
            for (int i = 0; i < written; i++) {
                expected += 100 + i;
            }
            long[] result = runCheckingSaved(image, 5);
            assertEquals(0, result[0], written + " written: callee-saved registers changed, mask " + result[0]);
            assertEquals(expected, result[1]);
        }
    }

    @Test
    void emptyLeafIsTheProgramAlone() {
        JitImage image = compile(List.of(mov64(R0, 0), exit()));
        // mov eax, 0 (5 bytes) or xor eax, eax (2), then ret: nothing else
        assertTrue(image.code().length <= 6, "empty leaf is " + image.code().length + " bytes");
        assertEquals((byte) 0xc3, image.code()[image.code().length - 1]);
    }

    @Test
    void programsNamingR10OrCallingAreNotLeavesAndKeepTheCallersRegisters() {
        List<List<AsmItem>> programs = List.of(
                List.of(st(Size.DW, R10, -8, 7), ldx(Size.DW, R0, R10, -8), mov64(R6, 1), add64(R0, R6), exit()),
                List.of(mov64(R6, R1), call(TestNative.CLOBBER), add64(R0, R6), exit()),
                List.of(mov64(R7, 3), callLocal("f"), add64(R0, R7), exit(),
                        label("f"), mov64(R7, 9), mov64(R0, 1), exit()));
        for (List<AsmItem> p : programs) {
            JitImage image = compile(p);
            assertEquals((byte) 0x55, image.code()[0], "a non-leaf entry starts with push rbp: " + p);
            long[] result = runCheckingSaved(image, 41);
            assertEquals(0, result[0], "callee-saved registers changed, mask " + result[0] + ": " + p);
        }
    }
}
