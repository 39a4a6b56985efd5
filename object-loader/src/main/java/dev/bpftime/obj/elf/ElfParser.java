package dev.bpftime.obj.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and checks the ELF64 header and the section header table (System V gABI, "ELF Header" and
 * "Sections"): magic, class, byte order, EM_BPF, ET_REL, e_shentsize, the table and every section's
 * bytes inside the file. Everything else is read on demand by {@link ElfFile}.
 */
final class ElfParser {

    private static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};

    private final String file;
    private final byte[] data;

    private ElfParser(String file, byte[] data) {
        this.file = file;
        this.data = data;
    }

    static ElfFile parse(byte[] data, String file) {
        ElfParser parser = new ElfParser(file, data);
        ElfHeader header = parser.header();
        ByteBuffer buf = ByteBuffer.wrap(data).order(header.order());
        return new ElfFile(file, data, header, parser.sections(buf, header));
    }

    private ElfHeader header() {
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= data.length) {
                throw error(0, "truncated file: actual " + data.length + " bytes vs expected at least "
                        + Elf.HEADER_SIZE + " (the ELF64 header)");
            }
            if (data[i] != MAGIC[i]) {
                throw error(0, "bad magic: actual " + hexBytes(0, Math.min(4, data.length))
                        + " vs expected 7f 45 4c 46 (\\x7fELF)");
            }
        }
        if (data.length < Elf.HEADER_SIZE) {
            throw error(0, "truncated file: actual " + data.length + " bytes vs expected at least "
                    + Elf.HEADER_SIZE + " (the ELF64 header)");
        }
        if (data[4] != Elf.ELFCLASS64) {
            throw error(4, "ELF class: actual " + data[4] + " vs expected 2 (ELFCLASS64)");
        }
        ByteOrder order = switch (data[5]) {
            case Elf.ELFDATA2LSB -> ByteOrder.LITTLE_ENDIAN;
            case Elf.ELFDATA2MSB -> ByteOrder.BIG_ENDIAN;
            default -> throw error(5, "byte order: actual " + data[5] + " vs expected 1 (little-endian) or 2 (big-endian)");
        };
        ByteBuffer buf = ByteBuffer.wrap(data).order(order);
        int type = Short.toUnsignedInt(buf.getShort(16));
        int machine = Short.toUnsignedInt(buf.getShort(18));
        if (machine != Elf.EM_BPF) {
            throw error(18, "machine: actual " + machine + " vs expected " + Elf.EM_BPF + " (EM_BPF)");
        }
        if (type != Elf.ET_REL) {
            throw error(16, "object type: actual " + type + " vs expected " + Elf.ET_REL + " (ET_REL, relocatable)");
        }
        long flags = Integer.toUnsignedLong(buf.getInt(48));
        long shoff = buf.getLong(40);
        int shentsize = Short.toUnsignedInt(buf.getShort(58));
        int shnum = Short.toUnsignedInt(buf.getShort(60));
        int shstrndx = Short.toUnsignedInt(buf.getShort(62));
        if (shoff == 0) {
            return new ElfHeader(order, type, machine, flags, 0, 0, 0);
        }
        if (shentsize != Elf.SECTION_HEADER_SIZE) {
            throw error(58, "bad e_shentsize: actual " + shentsize + " vs expected " + Elf.SECTION_HEADER_SIZE);
        }
        if (Long.compareUnsigned(shoff, data.length - Elf.SECTION_HEADER_SIZE) > 0) {
            throw error(40, "section header table beyond end of file: actual e_shoff 0x" + Long.toHexString(shoff)
                    + " vs expected at most 0x" + Long.toHexString(data.length - Elf.SECTION_HEADER_SIZE));
        }
        long count = shnum;
        if (shnum == 0) {
            // Extended numbering: the real count is in sh_size of section 0.
            count = buf.getLong((int) shoff + 32);
        }
        long room = (data.length - shoff) / Elf.SECTION_HEADER_SIZE;
        if (Long.compareUnsigned(count, room) > 0) {
            throw error(shoff, "section header table beyond end of file: actual " + Long.toUnsignedString(count)
                    + " sections vs expected at most " + room + " in the " + (data.length - shoff) + " bytes after e_shoff");
        }
        long names = shstrndx == Elf.SHN_XINDEX ? Integer.toUnsignedLong(buf.getInt((int) shoff + 40)) : shstrndx;
        if (names >= count) {
            throw error(62, "section name table index e_shstrndx: actual " + names + " vs expected below "
                    + count + " (the section count)");
        }
        return new ElfHeader(order, type, machine, flags, shoff, (int) count, (int) names);
    }

    private List<SectionHeader> sections(ByteBuffer buf, ElfHeader header) {
        List<SectionHeader> out = new ArrayList<>(header.sectionCount());
        for (int i = 0; i < header.sectionCount(); i++) {
            int at = (int) header.sectionHeaderOffset() + i * Elf.SECTION_HEADER_SIZE;
            SectionHeader s = new SectionHeader(i, buf.getInt(at), buf.getInt(at + 4), buf.getLong(at + 8),
                    buf.getLong(at + 16), buf.getLong(at + 24), buf.getLong(at + 32), buf.getInt(at + 40),
                    buf.getInt(at + 44), buf.getLong(at + 48), buf.getLong(at + 56));
            boolean hasBytes = !s.isNoBits();
            if (hasBytes && (Long.compareUnsigned(s.offset(), data.length) > 0
                    || Long.compareUnsigned(s.size(), data.length - s.offset()) > 0)) {
                throw new ObjectFormatException(file, "section header " + i, at, "section beyond end of file: actual sh_offset 0x" + Long.toHexString(s.offset())
                        + " + sh_size 0x" + Long.toHexString(s.size()) + " vs expected at most the file size 0x"
                        + Integer.toHexString(data.length));
            }
            out.add(s);
        }
        return out;
    }

    private String hexBytes(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(i > from ? " " : "").append(String.format("%02x", data[i] & 0xff));
        }
        return sb.toString();
    }

    private ObjectFormatException error(long offset, String problem) {
        return new ObjectFormatException(file, "ELF header", offset, problem);
    }
}
