package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Opcode;
import dev.bpftime.isa.Register;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** JMP and JMP32 conditions against a Java model, ja/gotol, and branches of both x86 sizes. */
class JumpTest {

    private static final long[] OPERANDS = Values.operands(9, 6);
    private static final List<Integer> IMMEDIATES = Values.immediates(6, 7);

    static boolean taken(JumpOp op, boolean is32, long a, long b) {
        if (is32) {
            a = (int) a;
            b = (int) b;
            // Unsigned 32-bit comparisons: compare the low halves as unsigned.
            long ua = a & 0xffffffffL;
            long ub = b & 0xffffffffL;
            return switch (op) {
                case JEQ -> ua == ub;
                case JNE -> ua != ub;
                case JGT -> ua > ub;
                case JGE -> ua >= ub;
                case JLT -> ua < ub;
                case JLE -> ua <= ub;
                case JSET -> (ua & ub) != 0;
                case JSGT -> (int) a > (int) b;
                case JSGE -> (int) a >= (int) b;
                case JSLT -> (int) a < (int) b;
                case JSLE -> (int) a <= (int) b;
                default -> throw new IllegalArgumentException(op.toString());
            };
        }
        return switch (op) {
            case JEQ -> a == b;
            case JNE -> a != b;
            case JGT -> Long.compareUnsigned(a, b) > 0;
            case JGE -> Long.compareUnsigned(a, b) >= 0;
            case JLT -> Long.compareUnsigned(a, b) < 0;
            case JLE -> Long.compareUnsigned(a, b) <= 0;
            case JSET -> (a & b) != 0;
            case JSGT -> a > b;
            case JSGE -> a >= b;
            case JSLT -> a < b;
            case JSLE -> a <= b;
            default -> throw new IllegalArgumentException(op.toString());
        };
    }

    static Stream<Arguments> conditions() {
        return Stream.of(JumpOp.values()).filter(JumpOp::isConditional)
                .flatMap(op -> Stream.of(Arguments.of(op, false), Arguments.of(op, true)));
    }

    /** r6 = 0; if (dst op src) goto +1; ja +1; r6 = 1: r6 says whether the branch was taken. */
    private static List<Instruction> probe(Instruction jump) {
        return List.of(mov64(R6, 0), jump, new Instruction(Opcode.JA, R0, R0, 1, 0), mov64(R6, 1));
    }

    @ParameterizedTest(name = "{0} jmp32={1}")
    @MethodSource("conditions")
    void registerAndImmediateForms(JumpOp op, boolean is32) {
        List<Batch.Case> cases = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (long a : OPERANDS) {
            for (long b : OPERANDS) {
                Instruction jump = new Instruction(Opcode.jump(is32, op, true), R1, R2, 1, 0);
                List<Instruction> body = new ArrayList<>(List.of(lddw(R1, a), lddw(R2, b)));
                body.addAll(probe(jump));
                cases.add(new Batch.Case(body, R6));
                expected.add(taken(op, is32, a, b) ? 1L : 0L);
            }
            for (int imm : IMMEDIATES) {
                Instruction jump = new Instruction(Opcode.jump(is32, op, false), R1, R0, 1, imm);
                List<Instruction> body = new ArrayList<>(List.of(lddw(R1, a)));
                body.addAll(probe(jump));
                cases.add(new Batch.Case(body, R6));
                expected.add(taken(op, is32, a, imm) ? 1L : 0L);
            }
        }
        AluTest.check(op + (is32 ? "32" : ""), expected, Batch.run(R9, cases), cases);
    }

    @ParameterizedTest(name = "{0} jmp32={1}")
    @MethodSource("conditions")
    void everyRegisterPair(JumpOp op, boolean is32) {
        List<Batch.Case> cases = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int d = 0; d <= 9; d++) {
            for (int s = 0; s <= 10; s++) {
                Register dst = Register.of(d);
                Register src = Register.of(s);
                if (dst == R6 || src == R6 || dst == R9 || src == R9) {
                    continue; // the probe's result and the batch base
                }
                long a = OPERANDS[(d * 11 + s) % OPERANDS.length];
                long b = OPERANDS[(d * 5 + s * 3 + 1) % OPERANDS.length];
                List<Instruction> body = new ArrayList<>(List.of(lddw(dst, a)));
                if (src != dst && src != R10) {
                    body.add(lddw(src, b));
                }
                body.addAll(probe(new Instruction(Opcode.jump(is32, op, true), dst, src, 1, 0)));
                cases.add(new Batch.Case(body, R6));
                // r10's value is an address; only compare a register with itself for it.
                long bv = src == dst ? a : b;
                if (src == R10) {
                    cases.remove(cases.size() - 1);
                    continue;
                }
                expected.add(taken(op, is32, a, bv) ? 1L : 0L);
            }
        }
        AluTest.check(op + (is32 ? "32" : "") + " registers", expected, Batch.run(R9, cases), cases);
    }

    @Test
    void jaAndGotolSkipForwardAndLoopBackward() {
        assertEquals(3, Jit.run(mov64(R0, 1), ja("a"), mov64(R0, 2), exit(), label("a"), add64(R0, 2), exit()));
        assertEquals(3, Jit.run(mov64(R0, 1), gotol("a"), mov64(R0, 2), exit(), label("a"), add64(R0, 2), exit()));
        // A backward gotol forms a loop: r0 counts to 10.
        assertEquals(10, Jit.run(mov64(R0, 0), label("top"), add64(R0, 1), jump(JumpOp.JGE, R0, 10, "out"),
                gotol("top"), label("out"), exit()));
    }

    /** Branches farther than a rel8 reaches take the rel32 form, forward and backward. */
    @Test
    void longBranchesReachFarTargets() {
        List<AsmItem> items = new ArrayList<>();
        items.add(mov64(R0, 0));
        items.add(mov64(R1, 3));
        items.add(label("top"));
        items.add(jump(JumpOp.JEQ, R1, 0, "out"));
        for (int i = 0; i < 100; i++) {
            items.add(add64(R0, 1)); // 4 bytes each: 400 bytes between the branches
        }
        items.add(alu64(dev.bpftime.isa.AluOp.SUB, R1, 1));
        items.add(ja("top"));
        items.add(label("out"));
        items.add(exit());
        assertEquals(300, Jit.run(items.toArray(AsmItem[]::new)));
    }

    @Test
    void conditionalJumpToTheNextInstructionDoesNothing() {
        assertEquals(7, Jit.run(mov64(R0, 7), jump(JumpOp.JEQ, R0, 7, "next"), label("next"), exit()));
    }
}
