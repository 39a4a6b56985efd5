package dev.bpftime.obj.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of a little-endian BTF blob for the differential test: bit flips, truncations, header
 * fields, and targeted edits of types (kinds, flags, vlen, sizes, names, type ids that are out of range,
 * void, the type itself or another type so that loops form) and of the string section.
 */
final class BtfMutator {

    /** A mutated blob and what was done to it. */
    record Mutant(String what, byte[] blob) {
    }

    private final Random random;

    BtfMutator(long seed) {
        this.random = new Random(seed);
    }

    /** Byte offsets of the types of a blob, found leniently (stops where the section stops making sense). */
    static List<Integer> typeOffsets(byte[] blob) {
        List<Integer> out = new ArrayList<>();
        if (blob.length < 24) {
            return out;
        }
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        long hdrLen = Integer.toUnsignedLong(b.getInt(4));
        long start = hdrLen + Integer.toUnsignedLong(b.getInt(8));
        long end = start + Integer.toUnsignedLong(b.getInt(12));
        long at = start;
        while (at + 12 <= end && at + 12 <= blob.length) {
            out.add((int) at);
            long info = Integer.toUnsignedLong(b.getInt((int) at + 4));
            at += 12 + extraSize((int) ((info >>> 24) & 0x1f), (int) (info & 0xffff));
        }
        return out;
    }

    static int extraSize(int kind, int vlen) {
        return switch (kind) {
            case 1, 14, 17 -> 4;
            case 3 -> 12;
            case 4, 5, 15, 19 -> 12 * vlen;
            case 6, 13 -> 8 * vlen;
            default -> 0;
        };
    }

    Mutant mutate(byte[] original) {
        byte[] blob = original.clone();
        List<Integer> types = typeOffsets(blob);
        int choice = random.nextInt(100);
        if (choice < 15 || types.isEmpty()) {
            return bitFlips(blob);
        } else if (choice < 22) {
            return truncate(blob);
        } else if (choice < 30) {
            return header(blob);
        } else if (choice < 42) {
            return info(blob, types);
        } else if (choice < 60) {
            return typeId(blob, types);
        } else if (choice < 72) {
            return nameOffset(blob, types);
        } else if (choice < 88) {
            return extraWord(blob, types);
        } else {
            return stringByte(blob);
        }
    }

    private ByteBuffer le(byte[] blob) {
        return ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
    }

    private Mutant bitFlips(byte[] blob) {
        int n = 1 + random.nextInt(3);
        StringBuilder what = new StringBuilder("bit flips at");
        for (int i = 0; i < n && blob.length > 0; i++) {
            int at = random.nextInt(blob.length);
            int bit = random.nextInt(8);
            blob[at] ^= (byte) (1 << bit);
            what.append(' ').append(at).append('.').append(bit);
        }
        return new Mutant(what.toString(), blob);
    }

    private Mutant truncate(byte[] blob) {
        int len = random.nextInt(blob.length);
        if (random.nextBoolean() && blob.length >= 24) {
            // Keep the header consistent so that the cut reaches the type checks: shorten the string section.
            ByteBuffer b = le(blob);
            long cut = blob.length - len;
            long strLen = Integer.toUnsignedLong(b.getInt(20));
            if (cut <= strLen) {
                b.putInt(20, (int) (strLen - cut));
                return new Mutant("string section cut by " + cut, Arrays.copyOf(blob, len));
            }
        }
        return new Mutant("truncated to " + len, Arrays.copyOf(blob, len));
    }

    private Mutant header(byte[] blob) {
        ByteBuffer b = le(blob);
        int field = random.nextInt(8);
        switch (field) {
            case 0 -> b.putShort(0, (short) (random.nextBoolean() ? 0x9feb : random.nextInt(0x10000)));
            case 1 -> blob[2] = (byte) random.nextInt(3);
            case 2 -> blob[3] = (byte) (1 << random.nextInt(8));
            default -> {
                int at = 4 * (field - 2);
                long v = Integer.toUnsignedLong(b.getInt(at));
                long[] candidates = {0, v + 1, v - 1, v + 4, v - 4, v * 2, 0xffffffffL, random.nextInt(blob.length + 1)};
                b.putInt(at, (int) candidates[random.nextInt(candidates.length)]);
            }
        }
        return new Mutant("header field " + field, blob);
    }

    private Mutant info(byte[] blob, List<Integer> types) {
        int index = random.nextInt(types.size());
        int at = types.get(index) + 4;
        ByteBuffer b = le(blob);
        int info = b.getInt(at);
        String what;
        switch (random.nextInt(5)) {
            case 0 -> {
                int kind = random.nextInt(21);
                info = (info & ~(0x1f << 24)) | (kind << 24);
                what = "kind " + kind;
            }
            case 1 -> {
                info ^= 0x80000000;
                what = "kind_flag toggled";
            }
            case 2 -> {
                int vlen = random.nextBoolean() ? (info & 0xffff) + (random.nextBoolean() ? 1 : -1) : random.nextInt(4);
                info = (info & ~0xffff) | (vlen & 0xffff);
                what = "vlen " + (vlen & 0xffff);
            }
            case 3 -> {
                info |= 1 << (16 + random.nextInt(8));
                what = "unused info bit";
            }
            default -> {
                info |= 1 << (29 + random.nextInt(2));
                what = "unused high info bit";
            }
        }
        b.putInt(at, info);
        return new Mutant("type " + (index + 1) + " info: " + what, blob);
    }

    /** A type id somewhere: the size/type word or a type-id word of the extra data. */
    private Mutant typeId(byte[] blob, List<Integer> types) {
        int index = random.nextInt(types.size());
        int at = types.get(index);
        ByteBuffer b = le(blob);
        int info = b.getInt(at + 4);
        int kind = (info >>> 24) & 0x1f;
        int vlen = info & 0xffff;
        int field = at + 8;
        if (kind == 3) {
            field = at + 12 + 4 * random.nextInt(2);
        } else if ((kind == 4 || kind == 5) && vlen > 0) {
            field = at + 12 + 12 * random.nextInt(vlen) + 4;
        } else if (kind == 13 && vlen > 0 && random.nextBoolean()) {
            field = at + 12 + 8 * random.nextInt(vlen) + 4;
        } else if (kind == 15 && vlen > 0) {
            field = at + 12 + 12 * random.nextInt(vlen);
        }
        int count = types.size() + 1;
        long[] ids = {0, index + 1, count, count + 1, 0xfffff, 0x100000, 1 + random.nextInt(count - 1),
            1 + random.nextInt(count - 1), Math.max(1, index + random.nextInt(3) - 1)};
        long id = ids[random.nextInt(ids.length)];
        b.putInt(field, (int) id);
        return new Mutant("type " + (index + 1) + " type id at " + field + " := " + id, blob);
    }

    private Mutant nameOffset(byte[] blob, List<Integer> types) {
        int index = random.nextInt(types.size());
        int at = types.get(index);
        ByteBuffer b = le(blob);
        int info = b.getInt(at + 4);
        int kind = (info >>> 24) & 0x1f;
        int vlen = info & 0xffff;
        int field = at;
        if ((kind == 4 || kind == 5 || kind == 19) && vlen > 0 && random.nextBoolean()) {
            field = at + 12 + 12 * random.nextInt(vlen);
        } else if ((kind == 6 || kind == 13) && vlen > 0 && random.nextBoolean()) {
            field = at + 12 + 8 * random.nextInt(vlen);
        }
        long strLen = Integer.toUnsignedLong(b.getInt(20));
        long[] offsets = {0, strLen, strLen - 1, strLen + 1, 0x1000000, random.nextInt((int) Math.max(1, strLen)),
            random.nextInt((int) Math.max(1, strLen)), Integer.toUnsignedLong(b.getInt(field)) + 1};
        long off = offsets[random.nextInt(offsets.length)];
        b.putInt(field, (int) off);
        return new Mutant("type " + (index + 1) + " name offset at " + field + " := " + off, blob);
    }

    private Mutant extraWord(byte[] blob, List<Integer> types) {
        int index = random.nextInt(types.size());
        int at = types.get(index);
        ByteBuffer b = le(blob);
        int info = b.getInt(at + 4);
        int extra = extraSize((info >>> 24) & 0x1f, info & 0xffff) / 4;
        int field = extra == 0 || random.nextInt(4) == 0 ? at + 8 : at + 12 + 4 * random.nextInt(extra);
        long v = Integer.toUnsignedLong(b.getInt(field));
        long[] candidates = {0, 1, v + 1, v - 1, v + 8, v - 8, v + 7, v * 2, v | 0x01000000L, v ^ (1L << random.nextInt(32)),
            0xffffffffL, 0x7fffffffL, 3, 12, 16, 128, 129, 1L << 24};
        long nv = candidates[random.nextInt(candidates.length)];
        b.putInt(field, (int) nv);
        return new Mutant("type " + (index + 1) + " word at " + field + " := " + nv, blob);
    }

    private Mutant stringByte(byte[] blob) {
        ByteBuffer b = le(blob);
        long strStart = Integer.toUnsignedLong(b.getInt(4)) + Integer.toUnsignedLong(b.getInt(16));
        long strLen = Integer.toUnsignedLong(b.getInt(20));
        if (strLen == 0 || strStart + strLen > blob.length) {
            return bitFlips(blob);
        }
        int at = (int) (strStart + random.nextInt((int) strLen));
        byte[] values = {0, '.', '-', '1', ' ', '_', 'a', (byte) 0x80, (byte) 0xa0, (byte) 0xc0, (byte) 0xd7,
            (byte) 0xff, 0x7f, '\n'};
        byte v = values[random.nextInt(values.length)];
        blob[at] = v;
        return new Mutant("string byte at " + at + " := 0x" + Integer.toHexString(v & 0xff), blob);
    }
}
