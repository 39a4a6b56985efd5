package dev.bpftime.obj.elf;

import java.nio.ByteOrder;

/**
 * The fields of the ELF64 header that a relocatable BPF object needs. {@code sectionCount} and
 * {@code namesSection} are already resolved through section 0 when the header uses extended numbering.
 */
public record ElfHeader(ByteOrder order, int type, int machine, long flags, long sectionHeaderOffset,
                        int sectionCount, int namesSection) {
}
