package dev.bpftime.vm;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.Asm;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Opcode;
import dev.bpftime.isa.Register;
import dev.bpftime.isa.Size;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Helper calls (by immediate and callx) and bpf-to-bpf calls with their own stack frames. */
class CallTest {

    private static Interpreter load(AsmItem... program) {
        return Interpreter.load(Asm.assemble(program));
    }

    @Test
    void helperReceivesFiveArgumentsInOrderAndReturnsR0() {
        try (Interpreter vm = load(mov64(R1, 1), mov64(R2, 2), mov64(R3, 3), mov64(R4, 4), mov64(R5, 5), call(7),
                exit())) {
            vm.registerHelper(7, (a, b, c, d, e) -> a + 10 * b + 100 * c + 1000 * d + 10000 * e);
            assertEquals(54321, vm.run(new byte[0]));
        }
    }

    @Test
    void helperArgumentsKeepAllSixtyFourBits() {
        long[] seen = new long[5];
        try (Interpreter vm = load(lddw(R1, 0x8000_0000_0000_0001L), lddw(R2, -2), lddw(R3, 0x1_0000_0000L),
                lddw(R4, 0xffff_ffffL), lddw(R5, 0x7fff_ffff_ffff_ffffL), call(1), exit())) {
            vm.registerHelper(1, (a, b, c, d, e) -> {
                seen[0] = a;
                seen[1] = b;
                seen[2] = c;
                seen[3] = d;
                seen[4] = e;
                return 0xdead_beef_0000_0001L;
            });
            assertEquals(0xdead_beef_0000_0001L, vm.run(new byte[0]));
        }
        assertEquals(List.of(0x8000_0000_0000_0001L, -2L, 0x1_0000_0000L, 0xffff_ffffL, 0x7fff_ffff_ffff_ffffL),
                List.of(seen[0], seen[1], seen[2], seen[3], seen[4]));
    }

    @Test
    void nativeHelperIsCalledWithoutEnteringJava() {
        // labs(3) from the C library stands in for a C helper: r0 = |r1|, the other arguments ignored.
        try (Interpreter vm = load(mov64(R1, -5), call(3), exit())) {
            vm.registerHelper(3, com.sun.jna.Function.getFunction("c", "labs"));
            assertEquals(5, vm.run(new byte[0]));
        }
    }

    @Test
    void closedInterpreterRefusesToRun() {
        Interpreter vm = load(mov64(R0, 1), exit());
        vm.close();
        vm.close();
        assertThrows(IllegalStateException.class, () -> vm.run(new byte[0]));
        assertThrows(IllegalStateException.class, () -> vm.setBoundsChecking(true));
    }

    @Test
    void calleeSavedRegistersSurviveAHelperCall() {
        try (Interpreter vm = load(mov64(R6, 6), mov64(R7, 7), mov64(R8, 8), mov64(R9, 9), call(1),
                add64(R0, R6), add64(R0, R7), add64(R0, R8), add64(R0, R9), exit())) {
            vm.registerHelper(1, (a, b, c, d, e) -> 100);
            assertEquals(130, vm.run(new byte[0]));
        }
    }

    @Test
    void callxTakesTheHelperIdFromDst() {
        Instruction callx = new Instruction(Opcode.CALLX, Register.R2, Register.R0, 0, 0);
        try (Interpreter vm = load(mov64(R1, 20), mov64(R2, 9), callx, exit())) {
            vm.registerHelper(9, (a, b, c, d, e) -> a + 1);
            vm.registerHelper(20, (a, b, c, d, e) -> -1);
            assertEquals(21, vm.run(new byte[0]));
        }
    }

    @Test
    void unknownHelperStopsTheProgramNamingTheCall() {
        try (Interpreter vm = load(mov64(R0, 0), call(42), exit())) {
            vm.registerHelper(1, (a, b, c, d, e) -> 0);
            VmException e = assertThrows(VmException.class, () -> vm.run(new byte[0]));
            assertEquals(VmStatus.UNKNOWN_HELPER, e.status());
            assertEquals(1, e.instruction());
            assertEquals("at instruction 1: call of unknown helper: actual id 42 vs expected a registered helper",
                    e.getMessage());
        }
    }

    @Test
    void helperIdAboveTheTableIsRefusedAtRegistration() {
        try (Interpreter vm = load(mov64(R0, 0), exit())) {
            assertThrows(IllegalArgumentException.class, () -> vm.registerHelper(70_000, (a, b, c, d, e) -> 0));
        }
    }

    @Test
    void unwindHelperReturningZeroEndsTheProgram() {
        for (int r1 : new int[] {-1, 0}) {
            try (Interpreter vm = load(mov64(R1, r1), call(5), mov64(R0, 2), exit())) {
                vm.registerHelper(5, (a, b, c, d, e) -> a);
                vm.setUnwindHelper(5);
                assertEquals(r1 == 0 ? 0 : 2, vm.run(new byte[0]), "helper 5 returned " + r1);
            }
        }
    }

    @Test
    void localCallPassesArgumentsReturnsR0AndRestoresCalleeSaved() {
        assertEquals(1, Run.r0(
                mov64(R1, 1), mov64(R2, 2), mov64(R3, 3), mov64(R4, 4), mov64(R5, 5),
                mov64(R6, 6), mov64(R7, 7), mov64(R8, 8), mov64(R9, 9),
                callLocal("sum"),
                jump(JumpOp.JNE, R0, 15, "bad"),
                jump(JumpOp.JNE, R6, 6, "bad"),
                jump(JumpOp.JNE, R7, 7, "bad"),
                jump(JumpOp.JNE, R8, 8, "bad"),
                jump(JumpOp.JNE, R9, 9, "bad"),
                mov64(R0, 1),
                exit(),
                label("bad"),
                mov64(R0, -1),
                exit(),
                label("sum"),
                mov64(R0, R1), add64(R0, R2), add64(R0, R3), add64(R0, R4), add64(R0, R5),
                mov64(R6, 0), mov64(R7, 0), mov64(R8, 0), mov64(R9, 0),
                exit()));
    }

    @Test
    void calleeFrameLiesFiveHundredTwelveBytesBelowTheCaller() {
        assertEquals(512, Run.r0(
                callLocal("fp"),
                mov64(R1, FP),
                alu64(dev.bpftime.isa.AluOp.SUB, R1, R0),
                mov64(R0, R1),
                exit(),
                label("fp"),
                mov64(R0, FP),
                exit()));
    }

    @Test
    void calleeMayUseAPointerIntoTheCallersFrame() {
        assertEquals(43, Run.r0(
                st(Size.DW, FP, -8, 42),
                mov64(R1, FP),
                add64(R1, -8),
                callLocal("bump"),
                ldx(Size.DW, R0, FP, -8),
                exit(),
                label("bump"),
                ldx(Size.DW, R2, R1, 0),
                add64(R2, 1),
                stx(Size.DW, R1, 0, R2),
                exit()));
    }

    /** Fills the current frame (all 512 bytes) with the value of r6; clobbers r1. */
    private static List<AsmItem> fillFrame(String tag) {
        return List.of(
                mov64(R1, FP), add64(R1, -512),
                label(tag),
                stx(Size.DW, R1, 0, R6),
                add64(R1, 8),
                jump(JumpOp.JNE, R1, FP, tag));
    }

    /** Jumps to {@code bad} unless every doubleword of the current frame equals r6; clobbers r1, r2. */
    private static List<AsmItem> verifyFrame(String tag, String bad) {
        return List.of(
                mov64(R1, FP), add64(R1, -512),
                label(tag),
                ldx(Size.DW, R2, R1, 0),
                jump(JumpOp.JNE, R2, R6, bad),
                add64(R1, 8),
                jump(JumpOp.JNE, R1, FP, tag));
    }

    /**
     * main fills its frame with 100 and calls f(1, nested); f(level) fills its frame with its level,
     * calls f(level + 1) while level < nested, checks its frame afterwards and returns 1 + the
     * callee's result. So the result counts the nested calls, and every frame is checked whole.
     */
    private static List<Instruction> nestedCalls(int nested) {
        List<AsmItem> p = new ArrayList<>();
        p.add(mov64(R6, 100));
        p.addAll(fillFrame("main_fill"));
        p.add(mov64(R1, 1));
        p.add(mov64(R2, nested));
        p.add(callLocal("f"));
        p.add(mov64(R7, R0));
        p.addAll(verifyFrame("main_check", "main_bad"));
        p.add(mov64(R0, R7));
        p.add(exit());
        p.add(label("main_bad"));
        p.add(mov64(R0, -1));
        p.add(exit());

        p.add(label("f"));
        p.add(mov64(R6, R1));
        p.add(mov64(R7, R2));
        p.addAll(fillFrame("f_fill"));
        p.add(mov64(R0, 0));
        p.add(jump(JumpOp.JGE, R6, R7, "f_deepest"));
        p.add(mov64(R1, R6));
        p.add(add64(R1, 1));
        p.add(mov64(R2, R7));
        p.add(callLocal("f"));
        p.add(label("f_deepest"));
        p.add(mov64(R8, R0));
        p.addAll(verifyFrame("f_check", "f_bad"));
        p.add(mov64(R0, R8));
        p.add(add64(R0, 1));
        p.add(exit());
        p.add(label("f_bad"));
        p.add(mov64(R0, -1000));
        p.add(exit());
        return Asm.assemble(p);
    }

    @Test
    void eightFramesEachUsingAllFiveHundredTwelveBytes() {
        List<Instruction> program = nestedCalls(KernelConstants.MAX_FRAMES - 1);
        for (boolean checked : new boolean[] {false, true}) {
            try (Interpreter vm = Interpreter.load(program)) {
                vm.setBoundsChecking(checked);
                assertEquals(7, vm.run(new byte[0]), checked ? "with bounds checks" : "without bounds checks");
            }
        }
    }

    @Test
    void ninthFrameStopsTheProgram() {
        List<Instruction> program = nestedCalls(KernelConstants.MAX_FRAMES);
        try (Interpreter vm = Interpreter.load(program)) {
            VmException e = assertThrows(VmException.class, () -> vm.run(new byte[0]));
            assertEquals(VmStatus.CALL_DEPTH, e.status());
            int callSlot = 0;
            int slot = 0;
            for (Instruction insn : program) {
                if (insn.isLocalCall()) {
                    callSlot = slot; // the last local call is f's
                }
                slot += insn.width();
            }
            assertEquals(callSlot, e.instruction());
            assertTrue(e.getMessage().endsWith("call stack too deep: actual 9 frames vs expected at most 8"),
                    e.getMessage());
        }
    }
}
