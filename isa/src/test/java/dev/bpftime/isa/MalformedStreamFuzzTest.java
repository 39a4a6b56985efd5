package dev.bpftime.isa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random bytes, truncations and bit flips of valid programs: the decoder either returns instructions
 * that re-encode to the same bytes or raises its own DecodeException, nothing else.
 */
class MalformedStreamFuzzTest {

    static final int CASES = Integer.getInteger("bpftime.fuzz.cases", 120_000);

    @Test
    void onlyTheDecodersOwnErrorEscapes() {
        SplittableRandom rnd = new SplittableRandom(0x5eed_b9f0L);
        List<byte[]> seeds = validPrograms(rnd);
        int accepted = 0;
        int refused = 0;
        for (int n = 0; n < CASES; n++) {
            byte[] input = mutate(seeds.get(n % seeds.size()), n % 4, rnd);
            try {
                List<Instruction> prog = InstructionDecoder.decode(input);
                assertArrayEquals(input, InstructionEncoder.encode(prog), "accepted input must round-trip");
                accepted++;
            } catch (DecodeException expected) {
                assertTrue(expected.getMessage().startsWith("at instruction "), expected.getMessage());
                refused++;
            } catch (RuntimeException other) {
                fail("case " + n + " " + Arrays.toString(input) + " raised " + other, other);
            }
        }
        System.out.printf("decoder fuzz: %d cases, %d accepted and round-tripped, %d refused%n",
                CASES, accepted, refused);
        assertTrue(accepted > CASES / 20 && refused > CASES / 20, "both outcomes must be exercised");
    }

    private static byte[] mutate(byte[] seed, int kind, SplittableRandom rnd) {
        switch (kind) {
            case 0 -> { // random bytes, any length
                byte[] b = new byte[rnd.nextInt(0, 65)];
                rnd.nextBytes(b);
                return b;
            }
            case 1 -> { // truncation, often mid-slot or mid-lddw
                return Arrays.copyOf(seed, rnd.nextInt(0, seed.length + 1));
            }
            case 2 -> { // one to three bit flips
                byte[] b = seed.clone();
                for (int i = rnd.nextInt(1, 4); i > 0; i--) {
                    int bit = rnd.nextInt(b.length * 8);
                    b[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                return b;
            }
            default -> { // a random slot spliced in
                byte[] b = seed.clone();
                int at = rnd.nextInt(b.length / 8) * 8;
                for (int i = 0; i < 8; i++) {
                    b[at + i] = (byte) rnd.nextInt(256);
                }
                return b;
            }
        }
    }

    /** Valid programs using every class, including lddw, from the DSL. */
    private static List<byte[]> validPrograms(SplittableRandom rnd) {
        List<byte[]> out = new ArrayList<>();
        for (int p = 0; p < 64; p++) {
            List<AsmItem> items = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Register a = Register.of(rnd.nextInt(10));
                Register b = Register.of(rnd.nextInt(11));
                switch (rnd.nextInt(9)) {
                    case 0 -> items.add(Asm.alu64(AluOp.ADD, a, rnd.nextInt()));
                    case 1 -> items.add(Asm.alu32(AluOp.XOR, a, b));
                    case 2 -> items.add(Asm.lddw(a, rnd.nextLong()));
                    case 3 -> items.add(Asm.ldx(Size.DW, a, Register.FP, -8 * rnd.nextInt(1, 64)));
                    case 4 -> items.add(Asm.stx(Size.W, Register.FP, -4, a));
                    case 5 -> items.add(Asm.atomic(Size.DW, AtomicOp.ADD, true, Register.FP, -8, a));
                    case 6 -> items.add(Asm.call(rnd.nextInt(1, 200)));
                    case 7 -> items.add(Asm.movsx64(a, b, 16));
                    default -> items.add(Asm.bswap(a, 32));
                }
            }
            items.add(Asm.exit());
            out.add(InstructionEncoder.encode(Asm.assemble(items)));
        }
        return out;
    }
}
