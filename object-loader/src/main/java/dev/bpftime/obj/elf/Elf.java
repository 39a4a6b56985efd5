package dev.bpftime.obj.elf;

/** The ELF constants a BPF object uses (include/uapi/linux/elf.h, the System V gABI). */
public final class Elf {
    public static final int EM_BPF = 247;
    public static final int ET_REL = 1;
    public static final int ELFCLASS64 = 2;
    public static final int ELFDATA2LSB = 1;
    public static final int ELFDATA2MSB = 2;

    public static final int HEADER_SIZE = 64;
    public static final int SECTION_HEADER_SIZE = 64;
    public static final int SYMBOL_SIZE = 24;
    public static final int REL_SIZE = 16;

    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;

    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;

    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    /** In e_shstrndx: the index is in sh_link of section 0; in st_shndx: in an SHT_SYMTAB_SHNDX table. */
    public static final int SHN_XINDEX = 0xffff;

    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int STT_FILE = 4;
    public static final int STT_COMMON = 5;

    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;

    private Elf() {
    }
}
