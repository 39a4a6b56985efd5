package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.Register;
import dev.bpftime.isa.Size;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ldx (zero- and sign-extending), st, stx of every width, through every base register, with offsets that
 * need each x86 displacement form; the stack below r10; lddw constants.
 */
class MemoryTest {

    /** Offsets at the edges of x86's disp8 and disp32 forms and of the s16 field. */
    private static final int[] OFFSETS = {0, 1, -1, 7, 127, 128, -128, -129, 255, 4096, -4096, 32760, -32768};

    private static final int HALF = 32768;

    private static long expectedLoad(byte[] data, int at, Size size, boolean signed) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        return switch (size) {
            case B -> signed ? b.get(at) : b.get(at) & 0xffL;
            case H -> signed ? b.getShort(at) : b.getShort(at) & 0xffffL;
            case W -> signed ? b.getInt(at) : b.getInt(at) & 0xffffffffL;
            case DW -> b.getLong(at);
        };
    }

    @ParameterizedTest
    @EnumSource(Size.class)
    void loadsEveryRegisterPairAndOffset(Size size) {
        byte[] data = new byte[2 * HALF + 16];
        new Random(size.ordinal()).nextBytes(data);
        try (Memory mem = new Memory(data.length)) {
            mem.write(0, data, 0, data.length);
            long middle = Pointer.nativeValue(mem) + HALF;
            for (boolean signed : new boolean[] {false, true}) {
                if (signed && size == Size.DW) {
                    continue; // no 64-bit sign-extending load
                }
                List<Batch.Case> cases = new ArrayList<>();
                List<Long> expected = new ArrayList<>();
                for (int d = 0; d <= 9; d++) {
                    for (int s = 0; s <= 9; s++) {
                        Register dst = Register.of(d);
                        Register base = Register.of(s);
                        if (dst == R9 || base == R9) {
                            continue; // the batch's result pointer
                        }
                        for (int off : OFFSETS) {
                            Instruction load = signed ? ldxsx(size, dst, base, off) : ldx(size, dst, base, off);
                            cases.add(new Batch.Case(List.of(lddw(base, middle), load), dst));
                            expected.add(expectedLoad(data, HALF + off, size, signed));
                        }
                    }
                }
                AluTest.check("ldx" + (signed ? "sx " : " ") + size, expected, Batch.run(R9, cases), cases);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Size.class)
    void storesEveryRegisterPairAndOffset(Size size) {
        int regionBytes = 16;
        List<Instruction> program = new ArrayList<>();
        List<long[]> expectations = new ArrayList<>(); // {region, value}
        int cases = 10 * 10 * OFFSETS.length + 10 * OFFSETS.length;
        try (Memory mem = new Memory((long) cases * regionBytes)) {
            mem.clear();
            long start = Pointer.nativeValue(mem);
            Random random = new Random(17 + size.ordinal());
            int k = 0;
            for (int d = 0; d <= 9; d++) {
                Register dst = Register.of(d);
                for (int s = 0; s <= 10; s++) {
                    for (int off : OFFSETS) {
                        long region = start + (long) k * regionBytes;
                        long address = region + 4 - off; // the store lands at region + 4
                        long value;
                        program.add(lddw(dst, address));
                        if (s == 10) {
                            int imm = random.nextInt();
                            program.add(st(size, dst, off, imm));
                            value = imm;
                        } else {
                            Register src = Register.of(s);
                            value = src == dst ? address : random.nextLong();
                            if (src != dst) {
                                program.add(lddw(src, value));
                            }
                            program.add(stx(size, dst, off, src));
                        }
                        expectations.add(new long[] {k, value});
                        k++;
                    }
                }
            }
            program.add(mov64(R0, 0));
            program.add(exit());
            Jit.run(program, 0, 0);
            for (long[] e : expectations) {
                byte[] actual = mem.getByteArray(e[0] * regionBytes, regionBytes);
                byte[] want = new byte[regionBytes];
                ByteBuffer.wrap(want, 4, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(e[1]);
                java.util.Arrays.fill(want, 4 + size.bytes(), regionBytes, (byte) 0);
                assertArrayEquals(want, actual, "store " + size + ", case " + e[0]);
            }
        }
    }

    /** Every byte of the 512 below r10 is usable, and what is stored there reads back. */
    @Test
    void wholeStackFrameHoldsData() {
        List<Instruction> program = new ArrayList<>();
        for (int off = -512; off < 0; off += 8) {
            program.add(lddw(R1, 0x0101010101010101L * ((off + 512) / 8 + 1)));
            program.add(stx(Size.DW, R10, off, R1));
        }
        program.add(st(Size.B, R10, -1, 0x55));
        program.add(st(Size.H, R10, -512, 0x1234));
        program.add(st(Size.W, R10, -260, -2));
        program.add(mov64(R0, 0));
        for (int off = -512; off < 0; off++) {
            program.add(ldx(Size.B, R1, R10, off));
            program.add(add64(R0, R1));
        }
        program.add(exit());
        long sum = 0;
        byte[] frame = new byte[512];
        ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = -512; off < 0; off += 8) {
            b.putLong(off + 512, 0x0101010101010101L * ((off + 512) / 8 + 1));
        }
        b.put(511, (byte) 0x55).putShort(0, (short) 0x1234).putInt(252, -2);
        for (byte x : frame) {
            sum += x & 0xff;
        }
        assertEquals(sum, Jit.run(program, 0, 0));
    }

    @Test
    void stackPointerIsAlignedAndDistinctFromContext() {
        // r10 is 16-byte aligned (its frame is) and r10 - 8 is writable memory of this invocation.
        assertEquals(0, Jit.run(assemble(mov64(R0, R10), alu64(dev.bpftime.isa.AluOp.AND, R0, 15), exit()), 0, 0));
    }

    @Test
    void lddwLoadsEvery64BitConstantIntoEveryRegister() {
        List<Batch.Case> cases = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int d = 0; d <= 8; d++) {
            for (long v : Values.operands(20, 9)) {
                cases.add(new Batch.Case(List.of(lddw(Register.of(d), v)), Register.of(d)));
                expected.add(v);
            }
        }
        AluTest.check("lddw", expected, Batch.run(R9, cases), cases);
    }
}
