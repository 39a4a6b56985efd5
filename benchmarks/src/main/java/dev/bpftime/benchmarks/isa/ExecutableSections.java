package dev.bpftime.benchmarks.isa;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough ELF to feed the codec benchmark real compiled code: the executable PROGBITS sections
 * of a 64-bit little-endian object, in file order. The product reads objects with its object loader;
 * this stays a benchmark's input reader. Layouts from the ELF-64 specification (Elf64_Ehdr, Elf64_Shdr).
 */
final class ExecutableSections {

    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int SHT_PROGBITS = 1;
    private static final long SHF_EXECINSTR = 0x4;

    private ExecutableSections() {
    }

    /** The bytes of each non-empty executable section; {@code where} names the file in errors. */
    static List<byte[]> read(byte[] elf, String where) {
        ByteBuffer buf = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.length < EHDR_SIZE || buf.getInt(0) != 0x464c457f) {
            throw new IllegalArgumentException(where + ": not an ELF file (no \\x7fELF magic in "
                    + elf.length + " bytes)");
        }
        if (elf[4] != 2 || elf[5] != 1) {
            throw new IllegalArgumentException(where + ": ELF class/data: actual " + elf[4] + "/" + elf[5]
                    + " vs expected 2/1 (64-bit little-endian)");
        }
        long shoff = buf.getLong(0x28);
        int shentsize = Short.toUnsignedInt(buf.getShort(0x3a));
        int shnum = Short.toUnsignedInt(buf.getShort(0x3c));
        if (shentsize != SHDR_SIZE) {
            throw new IllegalArgumentException(where + ": section header size: actual " + shentsize
                    + " vs expected " + SHDR_SIZE);
        }
        checkRange(where, "section header table", shoff, (long) shnum * SHDR_SIZE, elf.length);
        List<byte[]> sections = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            int at = (int) shoff + i * SHDR_SIZE;
            int type = buf.getInt(at + 4);
            long flags = buf.getLong(at + 8);
            long offset = buf.getLong(at + 24);
            long size = buf.getLong(at + 32);
            if (type != SHT_PROGBITS || (flags & SHF_EXECINSTR) == 0 || size == 0) {
                continue;
            }
            checkRange(where, "section " + i, offset, size, elf.length);
            byte[] bytes = new byte[(int) size];
            System.arraycopy(elf, (int) offset, bytes, 0, bytes.length);
            sections.add(bytes);
        }
        return sections;
    }

    private static void checkRange(String where, String what, long offset, long size, int fileSize) {
        if (offset < 0 || size < 0 || offset + size > fileSize) {
            throw new IllegalArgumentException(where + ": " + what + " at " + offset + "+" + size
                    + ": actual end " + (offset + size) + " vs expected at most the file size " + fileSize);
        }
    }
}
