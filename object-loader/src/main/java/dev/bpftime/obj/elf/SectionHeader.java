package dev.bpftime.obj.elf;

/** One Elf64_Shdr, with its index in the section header table. */
public record SectionHeader(int index, int nameOffset, int type, long flags, long address, long offset,
                            long size, int link, int info, long addressAlign, long entrySize) {

    /** SHF_EXECINSTR: the section holds instructions. */
    public boolean isExecutable() {
        return (flags & Elf.SHF_EXECINSTR) != 0;
    }

    /** SHT_NOBITS: the section takes no bytes of the file (.bss). */
    public boolean isNoBits() {
        return type == Elf.SHT_NOBITS;
    }

    /** The byte offset of this header in the file, for error messages. */
    public long headerOffset(long tableOffset) {
        return tableOffset + (long) index * Elf.SECTION_HEADER_SIZE;
    }
}
