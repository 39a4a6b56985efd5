package dev.bpftime.obj.btf;

import java.util.Random;

/**
 * Seeded random BTF blobs for the differential test, made of every kind with small, mostly sensible values:
 * references to random ids (out of range now and then), names valid and not, struct layouts with and
 * without kind_flag bit fields, DATASECs over VARs, tags, and long chains of modifiers and pointers.
 */
final class RandomBtf {

    private static final String[] NAMES = {"", "a", "foo", "int", "x_1", "_t", ".data", ".rodata.str1.1", "1bad",
        "a-b", "a b", "\u00c0ok", "ctrl\u0085", "x".repeat(512), "y".repeat(513), "kptr", "user", "rcu", "name.with.dots",
        "bpf_spin_lox", "\u00d7", "license"};

    private final Random r;

    RandomBtf(long seed) {
        this.r = new Random(seed);
    }

    private String name(boolean usuallyValid) {
        if (usuallyValid && r.nextInt(8) != 0) {
            return NAMES[1 + r.nextInt(4)] + (r.nextBoolean() ? "" : Integer.toString(r.nextInt(100)));
        }
        return NAMES[r.nextInt(NAMES.length)];
    }

    private boolean rare() {
        return r.nextInt(16) == 0;
    }

    byte[] next() {
        return r.nextInt(5) == 0 ? chain() : graph();
    }

    /** A chain of modifiers and pointers ending at an int: depth limits, loops, type tag order. */
    private byte[] chain() {
        BtfBuilder b = new BtfBuilder();
        int base = b.intType("int", 4, 1, 32);
        int length = 2 + r.nextInt(40);
        BtfKind[] kinds = {BtfKind.CONST, BtfKind.VOLATILE, BtfKind.TYPEDEF, BtfKind.RESTRICT, BtfKind.PTR,
            BtfKind.TYPE_TAG};
        int first = b.typeCount() + 1;
        for (int i = 0; i < length; i++) {
            BtfKind k = kinds[r.nextInt(kinds.length)];
            long target = i == length - 1 ? (r.nextInt(6) == 0 ? first : base) : b.typeCount() + 2;
            String name = k == BtfKind.TYPEDEF ? "t" + i : k == BtfKind.TYPE_TAG ? "tag" : "";
            b.ref(k, name, target);
        }
        if (r.nextBoolean()) {
            b.struct(BtfKind.STRUCT, "s", 16, false, new BtfBuilder.M("m", first, 0));
        }
        if (r.nextBoolean()) {
            b.var("v", first, 1);
        }
        return b.build();
    }

    /** A few types of every kind referring to each other at random. */
    private byte[] graph() {
        BtfBuilder b = new BtfBuilder();
        int count = 2 + r.nextInt(14);
        b.intType("int", 4, 1, 32);
        for (int i = 1; i < count; i++) {
            add(b, count);
        }
        return b.build();
    }

    /** A type id: mostly an existing one, sometimes void, beyond the end or huge. */
    private long ref(int count) {
        int p = r.nextInt(20);
        if (p == 0) {
            return 0;
        }
        if (p == 1) {
            return count + 1 + r.nextInt(3);
        }
        if (p == 2) {
            return r.nextBoolean() ? 0xfffff : 0x100000;
        }
        return 1 + r.nextInt(count);
    }

    private long size() {
        long[] sizes = {0, 1, 2, 4, 8, 12, 16, 3, 24, 32, 64};
        return sizes[r.nextInt(sizes.length)];
    }

    private void add(BtfBuilder b, int count) {
        switch (r.nextInt(19)) {
            case 0, 1 -> {
                int[] bits = {8, 16, 32, 64, 1, 3, 128};
                int bitCount = bits[r.nextInt(bits.length)];
                int size = Math.max(1, (bitCount + 7) / 8);
                long data = ((long) (r.nextInt(6) == 0 ? r.nextInt(8) : 1 << r.nextInt(3)) << 24)
                        | (rare() ? (long) r.nextInt(16) << 16 : 0) | bitCount;
                b.type(name(true), BtfKind.INT, rare() ? 1 : 0, rare(), rare() ? size() : size, data);
            }
            case 2 -> b.type("", BtfKind.PTR, 0, rare(), ref(count));
            case 3 -> b.type("", BtfKind.ARRAY, 0, false, rare() ? 4 : 0, ref(count), rare() ? ref(count) : 1,
                    r.nextInt(6) == 0 ? 0xffffffffL : r.nextInt(10));
            case 4, 5, 6 -> composite(b, count);
            case 7 -> {
                int n = r.nextInt(4);
                Object[] values = new Object[2 * n];
                for (int i = 0; i < n; i++) {
                    values[2 * i] = name(true).isEmpty() ? "e" + i : "e" + i + (rare() ? "-" : "");
                    values[2 * i + 1] = r.nextInt();
                }
                b.enumType(name(true), rare() ? (int) size() : 4, r.nextBoolean(), values);
            }
            case 8 -> b.type(name(true), BtfKind.FWD, 0, r.nextBoolean(), rare() ? ref(count) : 0);
            case 9 -> b.ref(BtfKind.TYPEDEF, name(true), ref(count));
            case 10 -> b.ref(r.nextBoolean() ? BtfKind.CONST : BtfKind.VOLATILE, rare() ? "x" : "", ref(count));
            case 11 -> {
                int n = r.nextInt(4);
                Object[] params = new Object[2 * n];
                for (int i = 0; i < n; i++) {
                    params[2 * i] = r.nextInt(5) == 0 ? "" : name(true);
                    params[2 * i + 1] = i == n - 1 && rare() ? 0L : ref(count);
                }
                b.proto(r.nextInt(4) == 0 ? 0 : ref(count), params);
            }
            case 12 -> b.func(name(true), ref(count), rare() ? 2 : r.nextInt(2));
            case 13 -> b.var(name(true), ref(count), rare() ? 2 : r.nextInt(2));
            case 14 -> {
                int n = r.nextInt(3);
                long[] vars = new long[3 * n];
                long offset = 0;
                for (int i = 0; i < n; i++) {
                    vars[3 * i] = ref(count);
                    vars[3 * i + 1] = rare() ? 0 : offset;
                    vars[3 * i + 2] = rare() ? 0 : 4 + 4 * r.nextInt(2);
                    offset += vars[3 * i + 2];
                }
                b.datasec(r.nextBoolean() ? ".data" : name(false), rare() ? 0 : Math.max(4, offset), vars);
            }
            case 15 -> b.floatType(name(true), (int) (rare() ? size() : 8));
            case 16 -> b.type(r.nextInt(6) == 0 ? "" : "tag" + r.nextInt(3), BtfKind.DECL_TAG, 0, r.nextBoolean(),
                    ref(count), r.nextInt(4) == 0 ? -1 : r.nextInt(5) - 2);
            case 17 -> b.type(rare() ? "" : "user", BtfKind.TYPE_TAG, 0, r.nextBoolean(), ref(count));
            default -> b.enum64(name(true), rare() ? (int) size() : 8, r.nextBoolean(), "v" + r.nextInt(9), r.nextLong());
        }
    }

    private void composite(BtfBuilder b, int count) {
        boolean union = r.nextInt(4) == 0;
        boolean kflag = r.nextInt(3) == 0;
        int n = r.nextInt(5);
        BtfBuilder.M[] members = new BtfBuilder.M[n];
        long offset = 0;
        for (int i = 0; i < n; i++) {
            long bitfield = kflag && r.nextInt(3) == 0 ? 1 + r.nextInt(33) : 0;
            long off = union ? (rare() ? 8 : 0) : offset + (rare() ? r.nextInt(8) : 0);
            members[i] = new BtfBuilder.M(r.nextInt(6) == 0 ? "" : "m" + i + (rare() ? "!" : ""), ref(count),
                    kflag ? (bitfield << 24) | off : off);
            offset += bitfield != 0 ? bitfield : 8 * (1 << r.nextInt(4));
        }
        long size = Math.max(1, (offset + 7) / 8) + (rare() ? -1 : r.nextInt(3) == 0 ? 8 : 0);
        b.struct(union ? BtfKind.UNION : BtfKind.STRUCT, name(true), size, kflag, members);
    }
}
