package dev.bpftime.obj.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A BPF relocatable ELF64 object (EM_BPF, either byte order). The header and section header table are
 * checked when the file is parsed; names, symbols and relocations are checked when asked for, so that a
 * tool can still use the parts that are sound. Every refusal is an {@link ObjectFormatException}.
 */
public final class ElfFile {

    private final String file;
    private final byte[] data;
    private final ElfHeader header;
    private final List<SectionHeader> sections;
    private final ByteBuffer buf;

    ElfFile(String file, byte[] data, ElfHeader header, List<SectionHeader> sections) {
        this.file = file;
        this.data = data;
        this.header = header;
        this.sections = List.copyOf(sections);
        this.buf = ByteBuffer.wrap(data).order(header.order());
    }

    public static ElfFile read(Path path) throws IOException {
        return parse(Files.readAllBytes(path), path.toString());
    }

    /** Parses {@code data}; {@code file} names it in error messages. */
    public static ElfFile parse(byte[] data, String file) {
        return ElfParser.parse(data, file);
    }

    public String file() {
        return file;
    }

    public ElfHeader header() {
        return header;
    }

    public ByteOrder order() {
        return header.order();
    }

    /** All section headers in table order, section 0 (SHT_NULL) included. */
    public List<SectionHeader> sections() {
        return sections;
    }

    public SectionHeader section(long index, String referrer, long offset) {
        if (index < 0 || index >= sections.size()) {
            throw new ObjectFormatException(file, referrer, offset, "section index out of range: actual " + index
                    + " vs expected below " + sections.size());
        }
        return sections.get((int) index);
    }

    /** The bytes of a section; empty for SHT_NOBITS. */
    public byte[] contents(SectionHeader s) {
        if (s.isNoBits()) {
            return new byte[0];
        }
        return Arrays.copyOfRange(data, (int) s.offset(), (int) (s.offset() + s.size()));
    }

    public String sectionName(SectionHeader s) {
        return new String(sectionNameBytes(s), StandardCharsets.UTF_8);
    }

    public byte[] sectionNameBytes(SectionHeader s) {
        if (header.namesSection() == Elf.SHN_UNDEF && s.nameOffset() == 0) {
            return new byte[0];
        }
        SectionHeader names = section(header.namesSection(), "e_shstrndx", 62);
        return string(names, Integer.toUnsignedLong(s.nameOffset()), describe(s), headerOffset(s));
    }

    /** The sections with this name, in table order; sections whose name cannot be read do not match. */
    public List<SectionHeader> sectionsNamed(String name) {
        List<SectionHeader> out = new ArrayList<>();
        for (SectionHeader s : sections) {
            try {
                if (sectionName(s).equals(name)) {
                    out.add(s);
                }
            } catch (ObjectFormatException unreadable) {
                // A section without a readable name is not the one asked for.
            }
        }
        return out;
    }

    /** The first SHT_SYMTAB section, the one tools read symbols from. */
    public Optional<SectionHeader> symbolTable() {
        return sections.stream().filter(s -> s.type() == Elf.SHT_SYMTAB).findFirst();
    }

    /** How many entries the symbol table has room for (entry 0 is the null symbol). */
    public int symbolCount(SectionHeader symtab) {
        return (int) Math.min(Integer.MAX_VALUE, symtab.size() / Elf.SYMBOL_SIZE);
    }

    /** Symbol {@code index} of {@code symtab} with its name; its section index is not checked here. */
    public ElfSymbol symbol(SectionHeader symtab, long index) {
        String where = "symbol " + index + " of " + describe(symtab);
        if (symtab.type() != Elf.SHT_SYMTAB) {
            throw new ObjectFormatException(file, describe(symtab), headerOffset(symtab), "symbol table type: actual "
                    + symtab.type() + " vs expected " + Elf.SHT_SYMTAB + " (SHT_SYMTAB)");
        }
        if (symtab.entrySize() != Elf.SYMBOL_SIZE) {
            throw new ObjectFormatException(file, describe(symtab), headerOffset(symtab), "bad sh_entsize of symbol table: actual "
                    + symtab.entrySize() + " vs expected " + Elf.SYMBOL_SIZE);
        }
        if (index < 0 || index >= symbolCount(symtab)) {
            throw new ObjectFormatException(file, where, symtab.offset(), "symbol index out of range: actual " + index
                    + " vs expected below " + symbolCount(symtab));
        }
        int at = (int) (symtab.offset() + index * Elf.SYMBOL_SIZE);
        long nameOffset = Integer.toUnsignedLong(buf.getInt(at));
        SectionHeader strtab = section(Integer.toUnsignedLong(symtab.link()), "sh_link of " + describe(symtab),
                headerOffset(symtab) + 40);
        byte[] name = string(strtab, nameOffset, where, at);
        return new ElfSymbol((int) index, name, data[at + 4] & 0xff, data[at + 5] & 0xff,
                Short.toUnsignedInt(buf.getShort(at + 6)), buf.getLong(at + 8), buf.getLong(at + 16));
    }

    /** Every symbol of the symbol table but the null one, each with a valid section index. */
    public List<ElfSymbol> symbols() {
        Optional<SectionHeader> symtab = symbolTable();
        if (symtab.isEmpty()) {
            return List.of();
        }
        List<ElfSymbol> out = new ArrayList<>();
        for (int i = 1; i < symbolCount(symtab.get()); i++) {
            ElfSymbol sym = symbol(symtab.get(), i);
            symbolSection(sym);
            out.add(sym);
        }
        return out;
    }

    /** The section a symbol is defined in; empty for UNDEF, ABS, COMMON and other reserved indexes. */
    public Optional<SectionHeader> symbolSection(ElfSymbol sym) {
        SectionHeader symtab = symbolTable().orElseThrow();
        String where = "symbol " + sym.index() + " of " + describe(symtab);
        long at = symtab.offset() + (long) sym.index() * Elf.SYMBOL_SIZE + 6;
        if (sym.sectionIndex() == Elf.SHN_XINDEX) {
            throw new ObjectFormatException(file, where, at, "st_shndx: actual 0xffff (SHN_XINDEX, extended index)"
                    + " vs expected a section index below 0xff00");
        }
        if (!sym.isInSection()) {
            return Optional.empty();
        }
        return Optional.of(section(sym.sectionIndex(), where + " st_shndx", at));
    }

    /** The entries of an SHT_REL section, each symbol index checked against its linked symbol table. */
    public List<Relocation> relocations(SectionHeader rel) {
        String where = describe(rel);
        long at = headerOffset(rel);
        if (rel.type() != Elf.SHT_REL) {
            throw new ObjectFormatException(file, where, at, "relocation section type: actual " + rel.type()
                    + " vs expected " + Elf.SHT_REL + " (SHT_REL)");
        }
        if (rel.entrySize() != Elf.REL_SIZE || rel.size() % Elf.REL_SIZE != 0) {
            throw new ObjectFormatException(file, where, at, "bad sh_entsize/sh_size of relocation section: actual "
                    + rel.entrySize() + "/" + rel.size() + " vs expected " + Elf.REL_SIZE + " and a multiple of it");
        }
        section(Integer.toUnsignedLong(rel.info()), "sh_info of " + where, at + 44);
        SectionHeader symtab = section(Integer.toUnsignedLong(rel.link()), "sh_link of " + where, at + 40);
        if (symtab.type() != Elf.SHT_SYMTAB) {
            throw new ObjectFormatException(file, "sh_link of " + where, at + 40, "linked section type: actual "
                    + symtab.type() + " vs expected " + Elf.SHT_SYMTAB + " (SHT_SYMTAB)");
        }
        int count = (int) (rel.size() / Elf.REL_SIZE);
        List<Relocation> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int entry = (int) rel.offset() + i * Elf.REL_SIZE;
            long info = buf.getLong(entry + 8);
            long symbol = info >>> 32;
            if (symbol >= symbolCount(symtab)) {
                throw new ObjectFormatException(file, "relocation " + i + " of " + where, entry,
                        "symbol index out of range: actual " + symbol + " vs expected below " + symbolCount(symtab));
            }
            out.add(new Relocation(buf.getLong(entry), (int) symbol, (int) info));
        }
        return out;
    }

    /** The section an SHT_REL section applies to (its sh_info). */
    public SectionHeader relocatedSection(SectionHeader rel) {
        return section(Integer.toUnsignedLong(rel.info()), "sh_info of " + describe(rel), headerOffset(rel) + 44);
    }

    /** The NUL-terminated string at {@code offset} of string table {@code strtab}, without the NUL. */
    public byte[] string(SectionHeader strtab, long offset, String referrer, long referrerOffset) {
        if (strtab.type() != Elf.SHT_STRTAB) {
            throw new ObjectFormatException(file, referrer, referrerOffset, "string table " + describe(strtab)
                    + " type: actual " + strtab.type() + " vs expected " + Elf.SHT_STRTAB + " (SHT_STRTAB)");
        }
        if (strtab.size() == 0 || data[(int) (strtab.offset() + strtab.size() - 1)] != 0) {
            throw new ObjectFormatException(file, describe(strtab), strtab.offset(),
                    "string table end: actual " + (strtab.size() == 0 ? "empty table" : "a last byte that is not NUL")
                            + " vs expected a NUL-terminated table");
        }
        if (offset < 0 || offset >= strtab.size()) {
            throw new ObjectFormatException(file, referrer, referrerOffset, "string index out of range: actual 0x"
                    + Long.toHexString(offset) + " vs expected below 0x" + Long.toHexString(strtab.size())
                    + " (size of " + describe(strtab) + ")");
        }
        int from = (int) (strtab.offset() + offset);
        int to = from;
        while (data[to] != 0) {
            to++;
        }
        return Arrays.copyOfRange(data, from, to);
    }

    /** "section 3 (xdp)", or "section 3" when its name cannot be read. */
    public String describe(SectionHeader s) {
        String name = nameOrNull(s);
        return name == null ? "section " + s.index() : "section " + s.index() + " (" + name + ")";
    }

    /** The section's name for messages, or null when it cannot be read; never throws, never recurses. */
    private String nameOrNull(SectionHeader s) {
        int index = header.namesSection();
        if (index == Elf.SHN_UNDEF || index >= sections.size()) {
            return null;
        }
        SectionHeader names = sections.get(index);
        long offset = Integer.toUnsignedLong(s.nameOffset());
        if (names.type() != Elf.SHT_STRTAB || offset >= names.size()) {
            return null;
        }
        int from = (int) (names.offset() + offset);
        int end = (int) (names.offset() + names.size());
        int to = from;
        while (to < end && data[to] != 0) {
            to++;
        }
        return to < end ? new String(data, from, to - from, StandardCharsets.UTF_8) : null;
    }

    private long headerOffset(SectionHeader s) {
        return s.headerOffset(header.sectionHeaderOffset());
    }
}
