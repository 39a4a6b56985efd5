package dev.bpftime.obj.elf;

/**
 * One Elf64_Rel: at {@code offset} in the relocated section, apply {@code type} (R_BPF_*) with the
 * symbol at {@code symbolIndex} of the linked symbol table.
 */
public record Relocation(long offset, int symbolIndex, int type) {
    public static final int R_BPF_NONE = 0;
    public static final int R_BPF_64_64 = 1;
    public static final int R_BPF_64_ABS64 = 2;
    public static final int R_BPF_64_ABS32 = 3;
    public static final int R_BPF_64_NODYLD32 = 4;
    public static final int R_BPF_64_32 = 10;
}
