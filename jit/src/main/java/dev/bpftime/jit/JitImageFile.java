package dev.bpftime.jit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A {@link JitImage} as a file, for tools that compile ahead of time and a native loader that links
 * later (the benchmark harness; jit/README.md "The image file" draws the layout). Little-endian:
 *
 * <pre>
 *  0  8 bytes  "BPFTJIMG"
 *  8  u32      version (1)
 * 12  u32      header size (48)
 * 16  u32      code size        20  u32  entry offset        24  u32  tail-call entry offset
 * 28  u32      frames           32  u32  stack bytes
 * 36  u32      relocation count 40  u32  helper id count     44  u32  0
 * 48  relocations, 24 bytes each: u32 code offset, u32 kind (Relocation.Kind in declaration order),
 *     i32 key, u32 instruction slot, i64 addend
 *     helper ids, u32 each, ascending
 *     the code, relocation fields zero
 * </pre>
 *
 * A field's width follows from its kind. A reader refuses any other version: a change of layout is a
 * new version.
 */
public final class JitImageFile {

    public static final byte[] MAGIC = "BPFTJIMG".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;
    public static final int HEADER_SIZE = 48;
    public static final int RELOCATION_SIZE = 24;

    private static final Relocation.Kind[] KINDS = Relocation.Kind.values();

    private JitImageFile() {
    }

    public static byte[] write(JitImage image) {
        byte[] code = image.code();
        List<Relocation> relocations = image.relocations();
        SortedSet<Integer> helperIds = image.helperIds();
        ByteBuffer out = ByteBuffer.allocate(HEADER_SIZE + RELOCATION_SIZE * relocations.size()
                + 4 * helperIds.size() + code.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putInt(VERSION).putInt(HEADER_SIZE).putInt(code.length).putInt(image.entryOffset())
                .putInt(image.tailCallEntryOffset()).putInt(image.frames()).putInt(image.stackBytes())
                .putInt(relocations.size()).putInt(helperIds.size()).putInt(0);
        for (Relocation r : relocations) {
            out.putInt(r.offset()).putInt(r.kind().ordinal()).putInt(r.key()).putInt(r.slot()).putLong(r.addend());
        }
        helperIds.forEach(out::putInt);
        return out.put(code).array();
    }

    /**
     * The image a file holds; {@code where} names the file in the refusal, an {@link IllegalArgumentException}
     * saying "actual X vs expected Y" of the first field that is wrong.
     */
    public static JitImage read(byte[] file, String where) {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < HEADER_SIZE) {
            throw refuse(where, "header: actual " + file.length + " bytes vs expected at least " + HEADER_SIZE);
        }
        byte[] magic = Arrays.copyOf(file, MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw refuse(where, "magic: actual \"" + printable(magic) + "\" vs expected \"BPFTJIMG\" (a JIT image file)");
        }
        in.position(MAGIC.length);
        int version = in.getInt();
        if (version != VERSION) {
            throw refuse(where, "version: actual " + Integer.toUnsignedString(version) + " vs expected " + VERSION);
        }
        int headerSize = in.getInt();
        if (headerSize != HEADER_SIZE) {
            throw refuse(where, "header size: actual " + Integer.toUnsignedString(headerSize) + " vs expected "
                    + HEADER_SIZE);
        }
        long codeSize = Integer.toUnsignedLong(in.getInt());
        int entry = in.getInt();
        int tailCallEntry = in.getInt();
        int frames = in.getInt();
        int stackBytes = in.getInt();
        long relocationCount = Integer.toUnsignedLong(in.getInt());
        long helperCount = Integer.toUnsignedLong(in.getInt());
        in.getInt();
        long expected = HEADER_SIZE + RELOCATION_SIZE * relocationCount + 4 * helperCount + codeSize;
        if (codeSize == 0 || expected != file.length) {
            throw refuse(where, "size: actual " + file.length + " bytes vs expected " + expected + " (" + HEADER_SIZE
                    + " + " + RELOCATION_SIZE + " x " + relocationCount + " relocations + 4 x " + helperCount
                    + " helper ids + " + codeSize + " bytes of code, at least 1)");
        }
        inCode(where, "entry offset", entry, 1, codeSize);
        inCode(where, "tail-call entry offset", tailCallEntry, 1, codeSize);
        List<Relocation> relocations = new ArrayList<>();
        for (int i = 0; i < relocationCount; i++) {
            int offset = in.getInt();
            int kind = in.getInt();
            int key = in.getInt();
            int slot = in.getInt();
            long addend = in.getLong();
            if (kind < 0 || kind >= KINDS.length) {
                throw refuse(where, "relocation " + i + ": kind: actual " + Integer.toUnsignedString(kind)
                        + " vs expected 0 to " + (KINDS.length - 1) + " (Relocation.Kind)");
            }
            inCode(where, "relocation " + i + " (" + KINDS[kind] + ")", offset, KINDS[kind].width(), codeSize);
            relocations.add(new Relocation(offset, KINDS[kind], key, addend, slot));
        }
        SortedSet<Integer> helperIds = new TreeSet<>();
        for (int i = 0; i < helperCount; i++) {
            helperIds.add(in.getInt());
        }
        byte[] code = new byte[(int) codeSize];
        in.get(code);
        return new JitImage(code, relocations, entry, tailCallEntry, frames, stackBytes, helperIds);
    }

    /** Refuses a field of width bytes at offset that is not wholly inside the code. */
    private static void inCode(String where, String what, int offset, int width, long codeSize) {
        long at = Integer.toUnsignedLong(offset);
        if (at + width > codeSize) {
            throw refuse(where, what + ": actual " + width + " bytes at " + at + " vs expected inside the " + codeSize
                    + " bytes of code");
        }
    }

    private static String printable(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(b >= 0x20 && b < 0x7f && b != '"' && b != '\\' ? String.valueOf((char) b)
                    : String.format("\\x%02x", b & 0xff));
        }
        return s.toString();
    }

    private static IllegalArgumentException refuse(String where, String reason) {
        return new IllegalArgumentException(where + ": " + reason);
    }
}
