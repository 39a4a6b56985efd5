package dev.bpftime.obj.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small EM_BPF relocatable objects for tests: the given sections, then .symtab, .strtab and
 * .shstrtab. Nothing is checked, so tests can also write objects that tools must cope with.
 */
public final class TestElfWriter {

    public record Section(String name, int type, long flags, long address, byte[] bytes, long size) {
        public static Section code(String name, byte[] bytes) {
            return new Section(name, 1, 0x6, 0, bytes, bytes.length);
        }
    }

    /** A symbol; {@code section} is a section header index (1 = the first section given). */
    public record Symbol(String name, int type, int binding, int section, long value) {
    }

    private final ByteOrder order;
    private final List<Section> sections = new ArrayList<>();
    private final List<Symbol> symbols = new ArrayList<>();

    public TestElfWriter(ByteOrder order) {
        this.order = order;
    }

    public TestElfWriter section(Section s) {
        sections.add(s);
        return this;
    }

    public TestElfWriter symbol(Symbol s) {
        symbols.add(s);
        return this;
    }

    public byte[] write() {
        Strings strtab = new Strings();
        Strings shstrtab = new Strings();
        ByteBuffer syms = ByteBuffer.allocate(24 * (symbols.size() + 1)).order(order);
        syms.position(24);
        for (Symbol s : symbols) {
            syms.putInt(strtab.add(s.name())).put((byte) ((s.binding() << 4) | s.type())).put((byte) 0)
                    .putShort((short) s.section()).putLong(s.value()).putLong(0);
        }
        List<Section> all = new ArrayList<>(sections);
        int symtabIndex = all.size() + 1;
        all.add(new Section(".symtab", 2, 0, 0, syms.array(), syms.capacity()));
        all.add(null);
        all.add(null);
        byte[] strtabBytes = strtab.bytes();
        all.set(all.size() - 2, new Section(".strtab", 3, 0, 0, strtabBytes, strtabBytes.length));
        int[] names = new int[all.size()];
        for (int i = 0; i < all.size() - 1; i++) {
            names[i] = shstrtab.add(all.get(i).name());
        }
        names[all.size() - 1] = shstrtab.add(".shstrtab");
        byte[] shstrtabBytes = shstrtab.bytes();
        all.set(all.size() - 1, new Section(".shstrtab", 3, 0, 0, shstrtabBytes, shstrtabBytes.length));

        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[64]);
        long[] offsets = new long[all.size()];
        for (int i = 0; i < all.size(); i++) {
            while (body.size() % 8 != 0) {
                body.write(0);
            }
            offsets[i] = body.size();
            if (all.get(i).type() != 8) {
                body.writeBytes(all.get(i).bytes());
            }
        }
        while (body.size() % 8 != 0) {
            body.write(0);
        }
        long shoff = body.size();
        ByteBuffer out = ByteBuffer.allocate((int) shoff + 64 * (all.size() + 1)).order(order);
        out.put(body.toByteArray());
        out.put(0, new byte[] {0x7f, 'E', 'L', 'F', 2, (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2), 1});
        out.putShort(16, (short) 1).putShort(18, (short) 247).putInt(20, 1).putLong(40, shoff)
                .putShort(52, (short) 64).putShort(58, (short) 64).putShort(60, (short) (all.size() + 1))
                .putShort(62, (short) all.size());
        out.position((int) shoff + 64);
        for (int i = 0; i < all.size(); i++) {
            Section s = all.get(i);
            boolean isSymtab = i + 1 == symtabIndex;
            out.putInt(names[i]).putInt(s.type()).putLong(s.flags()).putLong(s.address()).putLong(offsets[i])
                    .putLong(s.size()).putInt(isSymtab ? symtabIndex + 1 : 0).putInt(isSymtab ? 1 : 0)
                    .putLong(8).putLong(isSymtab ? 24 : 0);
        }
        return out.array();
    }

    private static final class Strings {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Strings() {
            bytes.write(0);
        }

        int add(String s) {
            if (s.isEmpty()) {
                return 0;
            }
            int at = bytes.size();
            bytes.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            bytes.write(0);
            return at;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
