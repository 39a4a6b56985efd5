package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.Opcode;
import dev.bpftime.isa.Register;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every ALU and ALU64 operation, register and immediate forms, against {@link AluModel}: all operand pairs of
 * edge and random values with r1/r2, and a smaller set over every pair of registers, which matters for the
 * operations x86 ties to rax, rdx and rcx (division, shifts).
 */
class AluTest {

    private static final long[] OPERANDS = Values.operands(15, 4);
    private static final List<Integer> IMMEDIATES = Values.immediates(12, 5);

    /** op, is64, offset (1: signed div/mod; 8, 16, 32: movsx). */
    static Stream<Arguments> operations() {
        List<Arguments> out = new ArrayList<>();
        for (boolean is64 : new boolean[] {true, false}) {
            for (AluOp op : AluOp.values()) {
                if (op == AluOp.END || op == AluOp.NEG) {
                    continue;
                }
                out.add(Arguments.of(op, is64, 0));
                if (op == AluOp.DIV || op == AluOp.MOD) {
                    out.add(Arguments.of(op, is64, 1));
                }
            }
            out.add(Arguments.of(AluOp.MOV, is64, 8));
            out.add(Arguments.of(AluOp.MOV, is64, 16));
        }
        out.add(Arguments.of(AluOp.MOV, true, 32));
        return out.stream();
    }

    private static Instruction regInsn(AluOp op, boolean is64, int offset, Register dst, Register src) {
        return new Instruction(Opcode.alu(is64, op, true), dst, src, offset, 0);
    }

    @ParameterizedTest(name = "{0} is64={1} offset={2}")
    @MethodSource("operations")
    void registerSourceAllOperandPairs(AluOp op, boolean is64, int offset) {
        Register dst = Register.R1;
        Register src = Register.R2;
        List<Batch.Case> cases = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (long a : OPERANDS) {
            for (long b : OPERANDS) {
                cases.add(new Batch.Case(List.of(lddw(dst, a), lddw(src, b), regInsn(op, is64, offset, dst, src)), dst));
                expected.add(AluModel.apply(op, is64, offset, a, b));
            }
        }
        check(op + (is64 ? "64" : "32") + " r1, r2", expected, Batch.run(Register.R3, cases), cases);
    }

    @ParameterizedTest(name = "{0} is64={1} offset={2}")
    @MethodSource("operations")
    void registerSourceEveryRegisterPair(AluOp op, boolean is64, int offset) {
        for (int d = 0; d <= 9; d++) {
            for (int s = 0; s <= 9; s++) {
                Register dst = Register.of(d);
                Register src = Register.of(s);
                List<Batch.Case> cases = new ArrayList<>();
                List<Long> expected = new ArrayList<>();
                for (int k = 0; k < OPERANDS.length; k++) {
                    long a = OPERANDS[k];
                    long b = dst == src ? a : OPERANDS[(k * 7 + 3) % OPERANDS.length];
                    // The remaining registers hold a marker, to catch an operation that clobbers them.
                    List<Instruction> body = new ArrayList<>(List.of(lddw(dst, a)));
                    if (src != dst) {
                        body.add(lddw(src, b));
                    }
                    body.add(regInsn(op, is64, offset, dst, src));
                    cases.add(new Batch.Case(body, dst));
                    expected.add(AluModel.apply(op, is64, offset, a, b));
                }
                check(op + (is64 ? "64 " : "32 ") + dst + ", " + src, expected,
                        Batch.run(Batch.freeRegister(dst, src), cases), cases);
            }
        }
    }

    static Stream<Arguments> immediateOperations() {
        return operations().filter(a -> (int) a.get()[2] < 8);
    }

    @ParameterizedTest(name = "{0} is64={1} offset={2}")
    @MethodSource("immediateOperations")
    void immediateSourceEveryRegister(AluOp op, boolean is64, int offset) {
        for (int d = 0; d <= 9; d++) {
            Register dst = Register.of(d);
            List<Batch.Case> cases = new ArrayList<>();
            List<Long> expected = new ArrayList<>();
            for (int imm : IMMEDIATES) {
                for (int k = 0; k < OPERANDS.length; k += (d == 1 ? 1 : 5)) {
                    long a = OPERANDS[k];
                    Instruction insn = new Instruction(Opcode.alu(is64, op, false), dst, Register.R0, offset, imm);
                    cases.add(new Batch.Case(List.of(lddw(dst, a), insn), dst));
                    expected.add(AluModel.apply(op, is64, offset, a, imm));
                }
            }
            check(op + (is64 ? "64 " : "32 ") + dst + ", imm", expected, Batch.run(Batch.freeRegister(dst), cases),
                    cases);
        }
    }

    @ParameterizedTest(name = "neg is64={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void negEveryRegister(boolean is64) {
        for (int d = 0; d <= 9; d++) {
            Register dst = Register.of(d);
            List<Batch.Case> cases = new ArrayList<>();
            List<Long> expected = new ArrayList<>();
            for (long a : OPERANDS) {
                cases.add(new Batch.Case(List.of(lddw(dst, a), is64 ? neg64(dst) : neg32(dst)), dst));
                expected.add(AluModel.apply(AluOp.NEG, is64, 0, a, 0));
            }
            check("neg " + dst, expected, Batch.run(Batch.freeRegister(dst), cases), cases);
        }
    }

    /** le16/32/64, be16/32/64 (ALU class) and bswap16/32/64 (ALU64, v4). */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("byteSwaps")
    void byteSwapEveryRegister(String kind, int bits) {
        for (int d = 0; d <= 9; d++) {
            Register dst = Register.of(d);
            List<Batch.Case> cases = new ArrayList<>();
            List<Long> expected = new ArrayList<>();
            for (long a : OPERANDS) {
                Instruction insn = switch (kind) {
                    case "le" -> le(dst, bits);
                    case "be" -> be(dst, bits);
                    default -> bswap(dst, bits);
                };
                cases.add(new Batch.Case(List.of(lddw(dst, a), insn), dst));
                expected.add(AluModel.byteSwap(!kind.equals("le"), bits, a));
            }
            check(kind + bits + " " + dst, expected, Batch.run(Batch.freeRegister(dst), cases), cases);
        }
    }

    static Stream<Arguments> byteSwaps() {
        return Stream.of("le", "be", "bswap").flatMap(k -> Stream.of(16, 32, 64).map(b -> Arguments.of(k, b)));
    }

    static void check(String what, List<Long> expected, long[] actual, List<Batch.Case> cases) {
        for (int k = 0; k < expected.size(); k++) {
            long e = expected.get(k);
            if (e != actual[k]) {
                assertEquals(String.format("0x%x", e), String.format("0x%x", actual[k]),
                        what + ", case " + k + ": " + cases.get(k).body());
            }
        }
    }
}
