package dev.bpftime.vm;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpftime.isa.AtomicOp;
import dev.bpftime.isa.Size;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Loads, stores, sign-extending loads, lddw, the stack and atomics (RFC 9669 section 5). r1 points at the memory. */
class MemorySemanticsTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void loadsAreLittleEndianAndMayBeUnaligned() {
        byte[] mem = hex("11 22 33 44 55 66 77 88 99");
        assertEquals(0x22, Run.r0(mem, ldx(Size.B, R0, R1, 1), exit()));
        assertEquals(0x3322, Run.r0(mem, ldx(Size.H, R0, R1, 1), exit()));
        assertEquals(0x5544_3322L, Run.r0(mem, ldx(Size.W, R0, R1, 1), exit()));
        assertEquals(0x9988_7766_5544_3322L, Run.r0(mem, ldx(Size.DW, R0, R1, 1), exit()));
    }

    @Test
    void loadsZeroExtend() {
        byte[] mem = hex("ff ff ff ff ff ff ff ff");
        assertEquals(0xffL, Run.r0(mem, mov64(R0, -1), ldx(Size.B, R0, R1, 0), exit()));
        assertEquals(0xffffL, Run.r0(mem, mov64(R0, -1), ldx(Size.H, R0, R1, 0), exit()));
        assertEquals(0xffff_ffffL, Run.r0(mem, mov64(R0, -1), ldx(Size.W, R0, R1, 0), exit()));
    }

    @Test
    void signExtendingLoads() {
        byte[] mem = hex("80 00 80 00 00 80 7f 7f");
        assertEquals(0xffff_ffff_ffff_ff80L, Run.r0(mem, ldxsx(Size.B, R0, R1, 0), exit()));
        assertEquals(0xffff_ffff_ffff_8000L, Run.r0(mem, ldxsx(Size.H, R0, R1, 1), exit()));
        assertEquals(0xffff_ffff_8000_0080L, Run.r0(mem, ldxsx(Size.W, R0, R1, 2), exit()));
        assertEquals(0x7f, Run.r0(mem, ldxsx(Size.B, R0, R1, 6), exit()));
        assertEquals(0x7f7f, Run.r0(mem, ldxsx(Size.H, R0, R1, 6), exit()));
    }

    @Test
    void negativeOffsets() {
        byte[] mem = hex("01 02 03 04 05 06 07 08");
        assertEquals(0x0605, Run.r0(mem, mov64(R2, R1), add64(R2, 8), ldx(Size.H, R0, R2, -4), exit()));
    }

    @Test
    void loadIntoItsOwnBaseRegister() {
        byte[] mem = hex("aa bb cc dd");
        assertEquals(0xddcc, Run.r0(mem, ldx(Size.H, R1, R1, 2), mov64(R0, R1), exit()));
    }

    @Test
    void immediateStoresWriteOnlyTheirWidth() {
        byte[] mem = new byte[16];
        Run.r0(mem, st(Size.B, R1, 0, 0x1ff), st(Size.H, R1, 2, 0x12345), st(Size.W, R1, 4, -2),
                st(Size.DW, R1, 8, -2), mov64(R0, 0), exit());
        assertArrayEquals(hex("ff 00 45 23 fe ff ff ff fe ff ff ff ff ff ff ff"), mem);
    }

    @Test
    void registerStoresWriteOnlyTheirWidth() {
        byte[] mem = new byte[16];
        Run.r0(mem, lddw(R2, 0x1122_3344_5566_7788L), stx(Size.B, R1, 0, R2), stx(Size.H, R1, 1, R2),
                stx(Size.W, R1, 3, R2), stx(Size.DW, R1, 7, R2), mov64(R0, 0), exit());
        assertArrayEquals(hex("88 88 77 88 77 66 55 88 77 66 55 44 33 22 11 00"), mem);
    }

    @Test
    void lddwLoadsAllSixtyFourBits() {
        assertEquals(0x8000_0000_0000_0001L, Run.r0(lddw(R0, 0x8000_0000_0000_0001L), exit()));
        assertEquals(0xffff_ffffL, Run.r0(lddw(R0, 0xffff_ffffL), exit()));
        assertEquals(0x1_0000_0000L, Run.r0(lddw(R0, 0x1_0000_0000L), exit()));
    }

    @Test
    void stackHoldsWhatWasStored() {
        assertEquals(0x0102_0304_0506_0708L, Run.r0(
                lddw(R1, 0x0102_0304_0506_0708L),
                stx(Size.DW, FP, -8, R1),
                st(Size.DW, FP, -512, 42),
                ldx(Size.DW, R0, FP, -512),
                jump(dev.bpftime.isa.JumpOp.JNE, R0, 42, "bad"),
                ldx(Size.DW, R0, FP, -8),
                exit(),
                label("bad"),
                mov64(R0, -1),
                exit()));
    }

    @Test
    void frameIsFiveHundredTwelveBytes() {
        // Fill the whole frame with its own address pattern, then sum it back.
        long sum = 0;
        for (int i = 1; i <= 64; i++) {
            sum += i;
        }
        assertEquals(sum, Run.r0(
                mov64(R1, FP),
                add64(R1, -512),
                mov64(R2, 1),
                label("fill"),
                stx(Size.DW, R1, 0, R2),
                add64(R1, 8),
                add64(R2, 1),
                jump(dev.bpftime.isa.JumpOp.JNE, R1, FP, "fill"),
                mov64(R0, 0),
                mov64(R1, FP),
                add64(R1, -512),
                label("sum"),
                ldx(Size.DW, R2, R1, 0),
                add64(R0, R2),
                add64(R1, 8),
                jump(dev.bpftime.isa.JumpOp.JNE, R1, FP, "sum"),
                exit()));
    }

    /** One atomic: memory before, the source register, memory after, and r0 = the source register afterwards. */
    private record AtomicCase(String name, Size size, AtomicOp op, boolean fetch, long before, long src, long r0Before,
                              long after, long srcAfter, long r0After) {
    }

    private static AtomicCase a(String name, Size size, AtomicOp op, boolean fetch, long before, long src, long after,
                                long srcAfter) {
        return new AtomicCase(name, size, op, fetch, before, src, 0, after, srcAfter, 0);
    }

    private static final long SRC_HIGH = 0xaaaa_aaaa_0000_0000L;

    private static final List<AtomicCase> ATOMICS = List.of(
            a("add64", Size.DW, AtomicOp.ADD, false, 0x1_0000_0001L, 2, 0x1_0000_0003L, 2),
            a("fetch add64", Size.DW, AtomicOp.ADD, true, 0x1_0000_0001L, 2, 0x1_0000_0003L, 0x1_0000_0001L),
            a("add32 wraps, source unchanged", Size.W, AtomicOp.ADD, false, 0xffff_ffffL, SRC_HIGH | 2, 1, SRC_HIGH | 2),
            a("fetch add32 zero-extends the old value", Size.W, AtomicOp.ADD, true, 0xffff_ffffL, SRC_HIGH | 2, 1,
                    0xffff_ffffL),
            a("or64", Size.DW, AtomicOp.OR, false, 0xf0, 0x0f00_0000_0000_000fL, 0x0f00_0000_0000_00ffL,
                    0x0f00_0000_0000_000fL),
            a("fetch or64", Size.DW, AtomicOp.OR, true, 0xf0, 0x0f, 0xff, 0xf0),
            a("or32", Size.W, AtomicOp.OR, false, 0x8000_0000L, SRC_HIGH | 1, 0x8000_0001L, SRC_HIGH | 1),
            a("fetch or32", Size.W, AtomicOp.OR, true, 0x8000_0000L, SRC_HIGH | 1, 0x8000_0001L, 0x8000_0000L),
            a("and64", Size.DW, AtomicOp.AND, false, 0xff00_ff00_ff00_ff00L, 0x0ff0_0ff0_0ff0_0ff0L,
                    0x0f00_0f00_0f00_0f00L, 0x0ff0_0ff0_0ff0_0ff0L),
            a("fetch and64", Size.DW, AtomicOp.AND, true, 0xff, 0x0f, 0x0f, 0xff),
            a("and32", Size.W, AtomicOp.AND, false, 0xffff_ffffL, SRC_HIGH | 0xf0f0, 0xf0f0, SRC_HIGH | 0xf0f0),
            a("fetch and32", Size.W, AtomicOp.AND, true, 0xffff_ffffL, SRC_HIGH | 0xf0f0, 0xf0f0, 0xffff_ffffL),
            a("xor64", Size.DW, AtomicOp.XOR, false, 0xff, 0x0f, 0xf0, 0x0f),
            a("fetch xor64", Size.DW, AtomicOp.XOR, true, 0xff, 0x0f, 0xf0, 0xff),
            a("xor32", Size.W, AtomicOp.XOR, false, 0x8000_00ffL, SRC_HIGH | 0xff, 0x8000_0000L, SRC_HIGH | 0xff),
            a("fetch xor32", Size.W, AtomicOp.XOR, true, 0x8000_00ffL, SRC_HIGH | 0xff, 0x8000_0000L, 0x8000_00ffL),
            a("xchg64", Size.DW, AtomicOp.XCHG, true, 0x1122_3344_5566_7788L, 5, 5, 0x1122_3344_5566_7788L),
            a("xchg32", Size.W, AtomicOp.XCHG, true, 0x8877_6655L, SRC_HIGH | 5, 5, 0x8877_6655L),
            new AtomicCase("cmpxchg64 equal: stores, r0 = old", Size.DW, AtomicOp.CMPXCHG, true, 0x1_0000_0000L, 9,
                    0x1_0000_0000L, 9, 9, 0x1_0000_0000L),
            new AtomicCase("cmpxchg64 different: keeps, r0 = old", Size.DW, AtomicOp.CMPXCHG, true, 0x1_0000_0000L, 9,
                    0x1, 0x1_0000_0000L, 9, 0x1_0000_0000L),
            new AtomicCase("cmpxchg32 compares the low half of r0", Size.W, AtomicOp.CMPXCHG, true, 0x8000_0000L,
                    SRC_HIGH | 9, 0x7_8000_0000L, 9, SRC_HIGH | 9, 0x8000_0000L),
            new AtomicCase("cmpxchg32 different: keeps, r0 = old zero-extended", Size.W, AtomicOp.CMPXCHG, true,
                    0xffff_fffeL, 9, -1, 0xffff_fffeL, 9, 0xffff_fffeL));

    @TestFactory
    Stream<DynamicTest> atomics() {
        return ATOMICS.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            // memory: 8 guard bytes, the operand at offset 8, 8 guard bytes
            ByteBuffer mem = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            mem.putLong(0, 0x5a5a_5a5a_5a5a_5a5aL).putLong(16, 0x5a5a_5a5a_5a5a_5a5aL);
            if (k.size() == Size.DW) {
                mem.putLong(8, k.before());
            } else {
                mem.putInt(8, (int) k.before()).putInt(12, 0x5a5a_5a5a);
            }
            byte[] bytes = mem.array();
            // r3 = src afterwards, r4 = r0 afterwards; r0 = r3 ^ r4 mixes both into one checked result
            long result = Run.r0(bytes, lddw(R2, k.src()), lddw(R0, k.r0Before()),
                    atomic(k.size(), k.op(), k.fetch(), R1, 8, R2),
                    stx(Size.DW, R1, 0, R2), stx(Size.DW, R1, 16, R0), mov64(R0, 0), exit());
            ByteBuffer after = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(k.srcAfter(), after.getLong(0), "source register afterwards");
            assertEquals(k.r0After(), after.getLong(16), "r0 afterwards");
            if (k.size() == Size.DW) {
                assertEquals(k.after(), after.getLong(8), "memory afterwards");
            } else {
                assertEquals((int) k.after(), after.getInt(8), "memory afterwards");
                assertEquals(0x5a5a_5a5a, after.getInt(12), "the word after a 32-bit atomic is untouched");
            }
            assertEquals(0, result);
        }));
    }

    @Test
    void everyAtomicOperationIsCoveredBothWidths() {
        for (AtomicOp op : AtomicOp.values()) {
            for (Size size : new Size[] {Size.W, Size.DW}) {
                for (boolean fetch : new boolean[] {false, true}) {
                    if (!fetch && (op == AtomicOp.XCHG || op == AtomicOp.CMPXCHG)) {
                        continue;
                    }
                    assertEquals(true, ATOMICS.stream().anyMatch(k -> k.op() == op && k.size() == size
                            && k.fetch() == fetch), op + " " + size + (fetch ? " fetch" : ""));
                }
            }
        }
    }
}
