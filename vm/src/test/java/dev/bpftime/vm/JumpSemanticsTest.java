package dev.bpftime.vm;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.JumpOp;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * JMP and JMP32 (RFC 9669 section 4.3): each conditional jump with immediate and register source.
 * An immediate is sign-extended to 64 bits for JMP; JMP32 compares the low halves only.
 */
class JumpSemanticsTest {

    /** dst compared with operand (the immediate, or the same value sign-extended in a register). */
    private record Case(JumpOp op, boolean jmp32, long dst, int operand, boolean taken) {
    }

    private static Case j64(JumpOp op, long dst, int operand, boolean taken) {
        return new Case(op, false, dst, operand, taken);
    }

    private static Case j32(JumpOp op, long dst, int operand, boolean taken) {
        return new Case(op, true, dst, operand, taken);
    }

    private static final List<Case> CASES = List.of(
            j64(JumpOp.JEQ, -1L, -1, true),
            j64(JumpOp.JEQ, 0xffff_ffffL, -1, false),
            j32(JumpOp.JEQ, 0xffff_ffffL, -1, true),
            j32(JumpOp.JEQ, 0x1_0000_0005L, 5, true),
            j64(JumpOp.JEQ, 0x1_0000_0005L, 5, false),
            j32(JumpOp.JEQ, 0x1_0000_0005L, 6, false),
            j64(JumpOp.JNE, 1, 1, false),
            j64(JumpOp.JNE, 0x1_0000_0001L, 1, true),
            j32(JumpOp.JNE, 0x1_0000_0001L, 1, false),
            j32(JumpOp.JNE, 2, 1, true),
            j64(JumpOp.JSET, 0b1010, 0b0100, false),
            j64(JumpOp.JSET, 0b1010, 0b0010, true),
            j64(JumpOp.JSET, 0x1_0000_0000L, -1, true),
            j32(JumpOp.JSET, 0x1_0000_0000L, -1, false),
            j32(JumpOp.JSET, 0x1_8000_0000L, Integer.MIN_VALUE, true),
            j64(JumpOp.JGT, -1L, 1, true),
            j64(JumpOp.JGT, 1, -1, false),
            j64(JumpOp.JGT, 1, 1, false),
            j32(JumpOp.JGT, 0x1_0000_0000L, 1, false),
            j32(JumpOp.JGT, 0xffff_ffffL, 1, true),
            j64(JumpOp.JGE, 1, 1, true),
            j64(JumpOp.JGE, 0, 1, false),
            j32(JumpOp.JGE, 0x2_0000_0001L, 1, true),
            j32(JumpOp.JGE, 0, -1, false),
            j64(JumpOp.JLT, 1, -1, true),
            j64(JumpOp.JLT, -1, 1, false),
            j32(JumpOp.JLT, 0x1_0000_0000L, 1, true),
            j32(JumpOp.JLT, 5, 5, false),
            j64(JumpOp.JLE, 5, 5, true),
            j64(JumpOp.JLE, 6, 5, false),
            j32(JumpOp.JLE, 0xffff_ffffL, -1, true),
            j32(JumpOp.JLE, 0x1_0000_0006L, 5, false),
            j64(JumpOp.JSGT, 1, -1, true),
            j64(JumpOp.JSGT, -1, 1, false),
            j64(JumpOp.JSGT, -1, -2, true),
            j64(JumpOp.JSGT, 0x8000_0000L, 0, true),
            j32(JumpOp.JSGT, 0x8000_0000L, 0, false),
            j32(JumpOp.JSGT, 0x7fff_ffffL, 0, true),
            j64(JumpOp.JSGE, -1, -1, true),
            j64(JumpOp.JSGE, -2, -1, false),
            j32(JumpOp.JSGE, 0xffff_ffffL, -1, true),
            j32(JumpOp.JSGE, 0x1_0000_0000L, 1, false),
            j64(JumpOp.JSLT, -1, 0, true),
            j64(JumpOp.JSLT, 0, -1, false),
            j32(JumpOp.JSLT, 0x8000_0000L, 0, true),
            j64(JumpOp.JSLT, 0x8000_0000L, 0, false),
            j32(JumpOp.JSLT, 0x1_7fff_ffffL, 0, false),
            j64(JumpOp.JSLE, -1, -1, true),
            j64(JumpOp.JSLE, 0, -1, false),
            j32(JumpOp.JSLE, 0xffff_ffffL, -1, true),
            j32(JumpOp.JSLE, 0x1_0000_0000L, -1, false));

    /** r0 = 1 when the jump is taken, else 0. */
    private static long taken(Case k, boolean registerSource) {
        List<AsmItem> p = new ArrayList<>();
        p.add(mov64(R0, 0));
        p.add(lddw(R1, k.dst()));
        p.add(mov64(R2, k.operand()));
        if (registerSource) {
            p.add(k.jmp32() ? jump32(k.op(), R1, R2, "yes") : jump(k.op(), R1, R2, "yes"));
        } else {
            p.add(k.jmp32() ? jump32(k.op(), R1, k.operand(), "yes") : jump(k.op(), R1, k.operand(), "yes"));
        }
        p.add(exit());
        p.add(label("yes"));
        p.add(mov64(R0, 1));
        p.add(exit());
        return Run.r0(new byte[0], p);
    }

    @TestFactory
    Stream<DynamicTest> conditionalJumps() {
        return CASES.stream().flatMap(k -> Stream.of(false, true).map(reg -> DynamicTest.dynamicTest(
                String.format("%s%s %s 0x%x, %d -> %s", k.op().name().toLowerCase(), k.jmp32() ? "32" : "",
                        reg ? "reg" : "imm", k.dst(), k.operand(), k.taken() ? "taken" : "not taken"),
                () -> assertEquals(k.taken() ? 1 : 0, taken(k, reg)))));
    }

    @Test
    void everyConditionalJumpIsCoveredBothWidths() {
        for (JumpOp op : JumpOp.values()) {
            if (!op.isConditional()) {
                continue;
            }
            for (boolean is32 : new boolean[] {false, true}) {
                assertEquals(true, CASES.stream().anyMatch(k -> k.op() == op && k.jmp32() == is32 && k.taken()),
                        op + (is32 ? "32" : "") + " taken");
                assertEquals(true, CASES.stream().anyMatch(k -> k.op() == op && k.jmp32() == is32 && !k.taken()),
                        op + (is32 ? "32" : "") + " not taken");
            }
        }
    }

    @Test
    void backwardJumpsLoop() {
        // r0 = 1 + 2 + ... + 100
        assertEquals(5050, Run.r0(
                mov64(R0, 0),
                mov64(R1, 100),
                label("loop"),
                add64(R0, R1),
                alu64(AluOp.SUB, R1, 1),
                jump(JumpOp.JNE, R1, 0, "loop"),
                exit()));
    }

    @Test
    void jaSkipsForwardAndBackward() {
        assertEquals(3, Run.r0(
                mov64(R0, 1),
                ja("forward"),
                label("back"),
                add64(R0, 1),
                exit(),
                label("forward"),
                add64(R0, 1),
                ja("back")));
    }

    @Test
    void gotolReachesBeyondTheSixteenBitOffset() {
        // 40000 slots lie between the gotol and its target, more than ja's offset can say.
        List<AsmItem> p = new ArrayList<>();
        p.add(mov64(R0, 7));
        p.add(gotol("far"));
        for (int i = 0; i < 40_000; i++) {
            p.add(mov64(R0, -1));
        }
        p.add(label("far"));
        p.add(add64(R0, 1));
        p.add(gotol("end"));
        p.add(exit());
        p.add(label("end"));
        p.add(exit());
        assertEquals(8, Run.r0(new byte[0], p));
    }

    @Test
    void gotolBackward() {
        assertEquals(2, Run.r0(
                mov64(R0, 0),
                ja("start"),
                label("back"),
                add64(R0, 1),
                exit(),
                label("start"),
                add64(R0, 1),
                gotol("back")));
    }
}
