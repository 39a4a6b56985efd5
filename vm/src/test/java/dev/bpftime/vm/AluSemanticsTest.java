package dev.bpftime.vm;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.AsmItem;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * ALU and ALU64 (RFC 9669 section 4): every operation with immediate and register source, the
 * zero-extension of 32-bit results, division and modulo by zero, INT_MIN / -1, masked shifts,
 * sign-extending moves and byte swaps. Each program leaves its result in r0.
 */
class AluSemanticsTest {

    private static final long INT64_MIN = Long.MIN_VALUE;

    private record Case(String name, long expected, AsmItem... program) {
    }

    private static Case c(String name, long expected, AsmItem... body) {
        AsmItem[] program = Stream.concat(Stream.of(body), Stream.of(exit())).toArray(AsmItem[]::new);
        return new Case(name, expected, program);
    }

    private static final List<Case> CASES = List.of(
            // add, sub, mul: wrap-around and 32-bit zero-extension
            c("add64 imm carries into the high half", 0x1_0000_0000L, lddw(R0, 0xffff_ffffL), add64(R0, 1)),
            c("add32 imm wraps at 32 bits", 0, lddw(R0, 0xffff_ffffL), alu32(AluOp.ADD, R0, 1)),
            c("add32 clears the high half", 5, lddw(R0, 0xffff_ffff_0000_0005L), alu32(AluOp.ADD, R0, 0)),
            c("add64 imm is sign-extended", 4, mov64(R0, 5), add64(R0, -1)),
            c("add64 reg", 0x1_0000_0001L, lddw(R0, 0xffff_ffffL), mov64(R1, 2), add64(R0, R1)),
            c("sub64 reg goes negative", -2, mov64(R0, 3), mov64(R1, 5), alu64(AluOp.SUB, R0, R1)),
            c("sub32 reg goes negative, zero-extended", 0xffff_fffeL, mov64(R0, 3), mov64(R1, 5), alu32(AluOp.SUB, R0, R1)),
            c("sub32 imm wraps", 0xffff_ffffL, lddw(R0, 0x1_0000_0000L), alu32(AluOp.SUB, R0, 1)),
            c("add32 reg", 1, lddw(R0, 0xffff_ffffL), lddw(R1, 0x5_0000_0002L), alu32(AluOp.ADD, R0, R1)),
            c("sub64 imm", 0xffff_ffffL, lddw(R0, 0x1_0000_0000L), alu64(AluOp.SUB, R0, 1)),
            c("mul64 imm negative", -6, mov64(R0, 3), alu64(AluOp.MUL, R0, -2)),
            c("mul32 keeps the low half", 4, mov64(R0, 0x4000_0001), alu32(AluOp.MUL, R0, 4)),
            c("mul64 reg overflows modulo 2^64", 0x8000_0000_0000_0000L, lddw(R0, 0x4000_0000_0000_0000L), mov64(R1, 2),
                    alu64(AluOp.MUL, R0, R1)),
            c("mul32 reg uses the low halves", 6, lddw(R0, 0x7_0000_0002L), lddw(R1, 0x9_0000_0003L), alu32(AluOp.MUL, R0, R1)),

            // unsigned division and modulo
            c("div64 imm -1 is unsigned by 2^64-1", 1, mov64(R0, -1), alu64(AluOp.DIV, R0, -1)),
            c("div64 reg", 3, mov64(R0, 10), mov64(R1, 3), alu64(AluOp.DIV, R0, R1)),
            c("div64 reg by zero gives 0", 0, mov64(R0, 7), mov64(R1, 0), alu64(AluOp.DIV, R0, R1)),
            c("div64 imm by zero gives 0", 0, mov64(R0, 7), alu64(AluOp.DIV, R0, 0)),
            c("div32 reg by zero gives 0", 0, mov64(R0, 7), lddw(R1, 0x1_0000_0000L), alu32(AluOp.DIV, R0, R1)),
            c("div32 uses the low halves", 4, lddw(R0, 0x1_0000_0010L), lddw(R1, 0x1_0000_0004L), alu32(AluOp.DIV, R0, R1)),
            c("div32 imm is unsigned", 0x7fff_ffffL, mov64(R0, -1), alu32(AluOp.DIV, R0, 2)),
            c("mod64 reg", 1, mov64(R0, 10), mov64(R1, 3), alu64(AluOp.MOD, R0, R1)),
            c("mod64 by zero keeps the dividend", 0x1_2345_6789L, lddw(R0, 0x1_2345_6789L), mov64(R1, 0),
                    alu64(AluOp.MOD, R0, R1)),
            c("mod32 by zero keeps the low half of the dividend", 0x2345_6789L, lddw(R0, 0x1_2345_6789L),
                    alu32(AluOp.MOD, R0, 0)),
            c("mod32 imm", 2, mov64(R0, 17), alu32(AluOp.MOD, R0, 5)),

            // signed division and modulo (offset 1, v4)
            c("sdiv64 rounds toward zero", -3, mov64(R0, -7), mov64(R1, 2), signed(alu64(AluOp.DIV, R0, R1))),
            c("sdiv64 imm", -3, mov64(R0, 7), signed(alu64(AluOp.DIV, R0, -2))),
            c("sdiv64 INT_MIN / -1 is INT_MIN", INT64_MIN, lddw(R0, INT64_MIN), mov64(R1, -1),
                    signed(alu64(AluOp.DIV, R0, R1))),
            c("sdiv64 imm INT_MIN / -1 is INT_MIN", INT64_MIN, lddw(R0, INT64_MIN), signed(alu64(AluOp.DIV, R0, -1))),
            c("sdiv64 by zero gives 0", 0, mov64(R0, -7), mov64(R1, 0), signed(alu64(AluOp.DIV, R0, R1))),
            c("sdiv32 rounds toward zero, zero-extended", 0xffff_fffdL, mov64(R0, -7), signed(alu32(AluOp.DIV, R0, 2))),
            c("sdiv32 INT_MIN / -1 is INT_MIN", 0x8000_0000L, mov32(R0, Integer.MIN_VALUE), mov64(R1, -1),
                    signed(alu32(AluOp.DIV, R0, R1))),
            c("sdiv32 imm by zero gives 0", 0, mov64(R0, -7), signed(alu32(AluOp.DIV, R0, 0))),
            c("sdiv32 uses the low halves", 0xffff_fffeL, lddw(R0, 0x5_ffff_fffcL), lddw(R1, 0x9_0000_0002L),
                    signed(alu32(AluOp.DIV, R0, R1))),
            c("smod64 takes the dividend's sign", -1, mov64(R0, -7), mov64(R1, 2), signed(alu64(AluOp.MOD, R0, R1))),
            c("smod64 positive by negative", 1, mov64(R0, 7), signed(alu64(AluOp.MOD, R0, -2))),
            c("smod64 INT_MIN % -1 is 0", 0, lddw(R0, INT64_MIN), mov64(R1, -1), signed(alu64(AluOp.MOD, R0, R1))),
            c("smod64 by zero keeps the dividend", -7, mov64(R0, -7), signed(alu64(AluOp.MOD, R0, 0))),
            c("smod32 by zero keeps the low half", 0xffff_fff9L, mov64(R0, -7), mov64(R1, 0),
                    signed(alu32(AluOp.MOD, R0, R1))),
            c("smod32 INT_MIN % -1 is 0", 0, mov32(R0, Integer.MIN_VALUE), signed(alu32(AluOp.MOD, R0, -1))),
            c("smod32 negative by positive, zero-extended", 0xffff_ffffL, mov64(R0, -7), signed(alu32(AluOp.MOD, R0, 2))),

            // bitwise
            c("or32 clears the high half", 1, lddw(R0, 0xffff_ffff_0000_0000L), alu32(AluOp.OR, R0, 1)),
            c("or64 imm is sign-extended", -1, mov64(R0, 0), alu64(AluOp.OR, R0, -1)),
            c("or32 reg", 0x8000_0001L, lddw(R0, 0xf_0000_0001L), lddw(R1, 0xf_8000_0000L), alu32(AluOp.OR, R0, R1)),
            c("and32 imm", 0x0000_0010L, lddw(R0, 0xf_0000_0f10L), alu32(AluOp.AND, R0, 0xf0)),
            c("and64 imm", 0xf0, lddw(R0, 0x1234_5678_9abc_def0L), alu64(AluOp.AND, R0, 0xff)),
            c("and64 imm -1 keeps every bit", 0x1234_5678_9abc_def0L, lddw(R0, 0x1234_5678_9abc_def0L),
                    alu64(AluOp.AND, R0, -1)),
            c("and32 reg", 0x9abc_def0L, lddw(R0, 0x1234_5678_9abc_def0L), mov64(R1, -1), alu32(AluOp.AND, R0, R1)),
            c("xor64 reg", 0xff00_00ff_ff00_00ffL, lddw(R0, 0xffff_0000_ffff_0000L), lddw(R1, 0x00ff_00ff_00ff_00ffL),
                    alu64(AluOp.XOR, R0, R1)),
            c("xor64 imm is sign-extended", 0xffff_ffff_ffff_ff0fL, mov64(R0, 0xf0), alu64(AluOp.XOR, R0, -1)),
            c("or64 reg", 0xf000_0000_0000_000fL, lddw(R0, 0xf000_0000_0000_0000L), mov64(R1, 0xf), alu64(AluOp.OR, R0, R1)),
            c("and64 reg", 0x0f00_0000_0000_0000L, lddw(R0, 0x0f00_0000_0000_00f0L), lddw(R1, 0xff00_0000_0000_000fL),
                    alu64(AluOp.AND, R0, R1)),
            c("xor32 reg", 0xffff_0000L, lddw(R0, 0x1_ffff_ffffL), lddw(R1, 0x2_0000_ffffL), alu32(AluOp.XOR, R0, R1)),
            c("xor32 imm", 0xffff_fffeL, lddw(R0, 0x7_0000_0001L), alu32(AluOp.XOR, R0, -1)),

            // shifts: amounts are masked to the width
            c("lsh64 imm", 1L << 40, mov64(R0, 1), alu64(AluOp.LSH, R0, 40)),
            c("lsh64 imm 65 shifts by 1", 2, mov64(R0, 1), alu64(AluOp.LSH, R0, 65)),
            c("lsh64 reg 68 shifts by 4", 16, mov64(R0, 1), mov64(R1, 68), alu64(AluOp.LSH, R0, R1)),
            c("lsh32 drops bits past 32", 2, mov32(R0, 0x8000_0001), mov64(R1, 33), alu32(AluOp.LSH, R0, R1)),
            c("lsh32 imm", 0xffff_fff0L, mov64(R0, -1), alu32(AluOp.LSH, R0, 4)),
            c("rsh64 is logical", 1, lddw(R0, INT64_MIN), alu64(AluOp.RSH, R0, 63)),
            c("rsh64 reg -1 shifts by 63", 1, lddw(R0, INT64_MIN), mov64(R1, -1), alu64(AluOp.RSH, R0, R1)),
            c("rsh32 ignores the high half", 1, lddw(R0, 0xffff_ffff_8000_0000L), alu32(AluOp.RSH, R0, 31)),
            c("rsh32 reg 33 shifts by 1", 0x7fff_ffffL, lddw(R0, 0xffff_ffff_ffff_ffffL), mov64(R1, 33),
                    alu32(AluOp.RSH, R0, R1)),
            c("rsh32 imm 36 shifts by 4", 0x0800_0000L, mov32(R0, Integer.MIN_VALUE), alu32(AluOp.RSH, R0, 36)),
            c("arsh64 copies the sign", -1, lddw(R0, INT64_MIN), alu64(AluOp.ARSH, R0, 63)),
            c("arsh64 reg positive", 0x0123_4567_89ab_cdefL >> 8, lddw(R0, 0x0123_4567_89ab_cdefL), mov64(R1, 8),
                    alu64(AluOp.ARSH, R0, R1)),
            c("arsh32 copies bit 31, zero-extended", 0xffff_ffffL, mov32(R0, Integer.MIN_VALUE),
                    alu32(AluOp.ARSH, R0, 31)),
            c("arsh32 reg 36 shifts by 4", 0xf800_0000L, mov32(R0, Integer.MIN_VALUE), mov64(R1, 36),
                    alu32(AluOp.ARSH, R0, R1)),
            c("arsh32 ignores the high half", 0x0000_0001L, lddw(R0, 0xffff_ffff_0000_0010L), alu32(AluOp.ARSH, R0, 4)),

            // neg
            c("neg64", -5, mov64(R0, 5), neg64(R0)),
            c("neg64 INT_MIN stays INT_MIN", INT64_MIN, lddw(R0, INT64_MIN), neg64(R0)),
            c("neg32 zero-extends", 0xffff_fffbL, mov64(R0, 5), neg32(R0)),
            c("neg32 INT_MIN stays INT_MIN", 0x8000_0000L, lddw(R0, 0xffff_ffff_8000_0000L), neg32(R0)),

            // mov and movsx
            c("mov64 imm is sign-extended", -1, mov64(R0, -1)),
            c("mov32 imm is zero-extended", 0xffff_ffffL, mov32(R0, -1)),
            c("mov32 reg is zero-extended", 0xffff_ffffL, mov64(R1, -1), mov32(R0, R1)),
            c("mov64 reg", 0x1122_3344_5566_7788L, lddw(R1, 0x1122_3344_5566_7788L), mov64(R0, R1)),
            c("movsx64 8", 0xffff_ffff_ffff_ff80L, mov64(R1, 0x180), movsx64(R0, R1, 8)),
            c("movsx64 8 positive", 0x7f, mov64(R1, 0x17f), movsx64(R0, R1, 8)),
            c("movsx64 16", 0xffff_ffff_ffff_8000L, mov64(R1, 0x1_8000), movsx64(R0, R1, 16)),
            c("movsx64 32", 0xffff_ffff_8000_0000L, lddw(R1, 0x7_8000_0000L), movsx64(R0, R1, 32)),
            c("movsx32 8 is zero-extended", 0xffff_ff80L, mov64(R1, 0x180), movsx32(R0, R1, 8)),
            c("movsx32 16 is zero-extended", 0xffff_8000L, lddw(R1, 0xf_0000_8000L), movsx32(R0, R1, 16)),

            // byte order (the host is little-endian)
            c("le16 truncates", 0x7788, lddw(R0, 0x1122_3344_5566_7788L), le(R0, 16)),
            c("le32 truncates", 0x5566_7788L, lddw(R0, 0x1122_3344_5566_7788L), le(R0, 32)),
            c("le64 keeps", 0x1122_3344_5566_7788L, lddw(R0, 0x1122_3344_5566_7788L), le(R0, 64)),
            c("be16 swaps and truncates", 0x8877, lddw(R0, 0x1122_3344_5566_7788L), be(R0, 16)),
            c("be32 swaps and truncates", 0x8877_6655L, lddw(R0, 0x1122_3344_5566_7788L), be(R0, 32)),
            c("be64 swaps", 0x8877_6655_4433_2211L, lddw(R0, 0x1122_3344_5566_7788L), be(R0, 64)),
            c("bswap16", 0x8877, lddw(R0, 0x1122_3344_5566_7788L), bswap(R0, 16)),
            c("bswap32", 0x8877_6655L, lddw(R0, 0x1122_3344_5566_7788L), bswap(R0, 32)),
            c("bswap64", 0x8877_6655_4433_2211L, lddw(R0, 0x1122_3344_5566_7788L), bswap(R0, 64)));

    @TestFactory
    Stream<DynamicTest> aluOperations() {
        return CASES.stream().map(k -> DynamicTest.dynamicTest(k.name(),
                () -> assertEquals(k.expected(), Run.r0(k.program()),
                        () -> String.format("%s: expected 0x%x", k.name(), k.expected()))));
    }

    @TestFactory
    Stream<DynamicTest> everyAluOpcodeIsCovered() {
        // Each (class, op, source) of RFC 9669's ALU table must occur in CASES, so a new case is not forgotten.
        return Stream.of(AluOp.values()).map(op -> DynamicTest.dynamicTest(op.name(), () -> {
            for (boolean is64 : new boolean[] {false, true}) {
                for (boolean reg : new boolean[] {false, true}) {
                    boolean exists = switch (op) {
                        case NEG -> !reg;
                        case END -> !(is64 && reg);
                        default -> true;
                    };
                    if (!exists) {
                        continue;
                    }
                    int opcode = dev.bpftime.isa.Opcode.alu(is64, op, reg).value();
                    boolean covered = CASES.stream().flatMap(k -> Stream.of(k.program()))
                            .anyMatch(i -> i instanceof dev.bpftime.isa.Instruction insn
                                    && insn.opcode().value() == opcode);
                    assertEquals(true, covered, String.format("no case for opcode 0x%02x", opcode));
                }
            }
        }));
    }
}
