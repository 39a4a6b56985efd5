package dev.bpftime.obj.disasm;

import dev.bpftime.isa.text.LlvmDecoded;
import dev.bpftime.isa.text.LlvmDecoder;
import dev.bpftime.obj.elf.Elf;
import dev.bpftime.obj.elf.SectionHeader;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The listing of one section, laid out as llvm-objdump-19's disassembleObject does: the section is cut
 * into chunks at symbol addresses, each chunk gets a label (one symbol per address, preferring code
 * symbols), each instruction a line "index:\tbytes\ttext", branches a {@code <symbol+0xoffset>} target.
 */
final class SectionDisassembler {

    private final SectionHeader section;
    private final byte[] nameBytes;
    private final String name;
    private final byte[] bytes;
    private final ByteOrder order;
    private final List<DisasmSymbol> symbols;
    private final List<DisasmSymbol> absolute;

    SectionDisassembler(SectionHeader section, byte[] nameBytes, String name, byte[] bytes, ByteOrder order,
                        List<DisasmSymbol> symbols, List<DisasmSymbol> absolute) {
        this.section = section;
        this.nameBytes = nameBytes;
        this.name = name;
        this.bytes = bytes;
        this.order = order;
        this.symbols = symbols;
        this.absolute = absolute;
    }

    /** Appends the listing; returns the number of instruction lines written. */
    int appendTo(StringBuilder out) {
        long base = section.address();
        addSectionSymbolIfNeeded(base);
        boolean printedHeading = false;
        int lines = 0;
        for (int si = 0; si < symbols.size(); ) {
            int first = si;
            long start = symbols.get(si).address();
            while (si < symbols.size() && symbols.get(si).address() == start) {
                si++;
            }
            List<DisasmSymbol> here = symbols.subList(first, si);
            boolean asData = false;
            int display = here.size() - 1;
            if (section.isExecutable()) {
                asData = true;
                for (int i = 0; i < here.size(); i++) {
                    int type = here.get(i).type();
                    if (type != Elf.STT_OBJECT && type != Elf.STT_COMMON) {
                        asData = false;
                        display = i;
                    }
                }
            }
            long end = base + section.size();
            if (si < symbols.size() && Long.compareUnsigned(symbols.get(si).address(), end) < 0) {
                end = symbols.get(si).address();
            }
            if (Long.compareUnsigned(start, base) < 0 || start == -1L || Long.compareUnsigned(start, end) >= 0) {
                continue;
            }
            if (!printedHeading) {
                printedHeading = true;
                out.append("\nDisassembly of section ").append(name).append(":\n");
            }
            out.append('\n').append(String.format("%016x", start)).append(" <").append(here.get(display).name()).append(">:\n");
            if (section.isNoBits()) {
                out.append("...\n");
                continue;
            }
            int from = (int) (start - base);
            int to = (int) (end - base);
            if (asData) {
                ElfDataDump.append(out, base, from, to, bytes);
                continue;
            }
            lines += appendInstructions(out, base, from, to);
        }
        return lines;
    }

    /** With no symbol at the section's start, objdump labels it with the section's name. */
    private void addSectionSymbolIfNeeded(long base) {
        boolean needed = true;
        for (DisasmSymbol s : symbols) {
            if (s.address() != base) {
                break;
            }
            needed = false;
        }
        if (!needed) {
            return;
        }
        DisasmSymbol dummy = new DisasmSymbol(base, nameBytes, section.isExecutable() ? Elf.STT_FUNC : Elf.STT_OBJECT);
        int at = 0;
        while (at < symbols.size() && DisasmSymbol.ORDER.compare(symbols.get(at), dummy) < 0) {
            at++;
        }
        symbols.add(at, dummy);
    }

    private int appendInstructions(StringBuilder out, long base, int from, int end) {
        int lines = 0;
        int index = from;
        while (index < end) {
            int zeros = 0;
            while (index + zeros < end && bytes[index + zeros] == 0) {
                zeros++;
            }
            // countSkippableZeroBytes: eight or more zero bytes print as "...", skipped in multiples of 4.
            if (zeros >= 8) {
                out.append("\t\t...\n");
                index += zeros & ~3;
                continue;
            }
            LlvmDecoded insn = LlvmDecoder.decode(bytes, index, bytes.length - index, order, false);
            int size = insn.size() == 0 ? Math.min(bytes.length - index, 1) : insn.size();
            long address = base + index;
            out.append(String.format("%8d:", Long.divideUnsigned(address, 8))).append('\t');
            for (int i = 0; i < size; i++) {
                out.append(i > 0 ? " " : "").append(Character.forDigit((bytes[index + i] >> 4) & 0xf, 16))
                        .append(Character.forDigit(bytes[index + i] & 0xf, 16));
            }
            out.append('\t').append(insn.isUnknown() ? "<unknown>" : insn.text());
            if (insn.branch()) {
                appendTarget(out, address + size + (long) insn.branchSlots() * size);
            }
            out.append('\n');
            lines++;
            index += size;
        }
        return lines;
    }

    /** The nearest symbol at or before the target in this section, else among the absolute ones. */
    private void appendTarget(StringBuilder out, long target) {
        DisasmSymbol found = lastAtOrBefore(symbols, target);
        if (found == null) {
            found = lastAtOrBefore(absolute, target);
        }
        if (found == null) {
            return;
        }
        long displacement = target - found.address();
        out.append(" <").append(found.name());
        if (displacement != 0) {
            out.append("+0x").append(Long.toHexString(displacement));
        }
        out.append('>');
    }

    private static DisasmSymbol lastAtOrBefore(List<DisasmSymbol> sorted, long target) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(sorted.get(mid).address(), target) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == 0 ? null : sorted.get(lo - 1);
    }
}
