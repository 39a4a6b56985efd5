package dev.bpftime.obj.elf;

import java.nio.charset.StandardCharsets;

/**
 * One Elf64_Sym with its name resolved. The name is kept as the raw bytes of the string table too,
 * since tools order symbols by those bytes.
 */
public record ElfSymbol(int index, byte[] nameBytes, int info, int other, int sectionIndex, long value, long size) {

    public String name() {
        return new String(nameBytes, StandardCharsets.UTF_8);
    }

    /** STT_*: the low four bits of st_info. */
    public int type() {
        return info & 0x0f;
    }

    /** STB_*: the high four bits of st_info. */
    public int binding() {
        return info >>> 4;
    }

    /** True when st_shndx names a section of the table rather than UNDEF, ABS, COMMON or another reserved index. */
    public boolean isInSection() {
        return sectionIndex != Elf.SHN_UNDEF && sectionIndex < Elf.SHN_LORESERVE;
    }
}
