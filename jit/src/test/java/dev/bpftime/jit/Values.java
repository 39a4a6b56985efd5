package dev.bpftime.jit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Operand values that find the edge cases: zero, ones, sign boundaries of each width, and random noise. */
final class Values {

    private Values() {
    }

    static final long[] EDGES = {
        0, 1, 2, 3, 7, 8, 31, 32, 33, 63, 64, 65, -1, -2, -3, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
        0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
        0xffffffff80000000L, 0xffffffff7fffffffL, 0x123456789abcdef0L, 0xfedcba9876543210L,
    };

    /** Every edge value, then {@code randoms} random ones (seeded: failures reproduce). */
    static long[] operands(int randoms, long seed) {
        Random random = new Random(seed);
        long[] out = new long[EDGES.length + randoms];
        System.arraycopy(EDGES, 0, out, 0, EDGES.length);
        for (int i = EDGES.length; i < out.length; i++) {
            out[i] = switch (i % 3) {
                case 0 -> random.nextLong();
                case 1 -> random.nextInt();
                default -> random.nextInt(256) - 128;
            };
        }
        return out;
    }

    /** Immediates: 32-bit edges and random ones. */
    static List<Integer> immediates(int randoms, long seed) {
        Random random = new Random(seed);
        List<Integer> out = new ArrayList<>(List.of(0, 1, 2, -1, -2, 7, 31, 32, 63, 64, 127, 128, -128, -129,
                0x7fff, 0x8000, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1));
        for (int i = 0; i < randoms; i++) {
            out.add(i % 2 == 0 ? random.nextInt() : random.nextInt(512) - 256);
        }
        return out;
    }
}
