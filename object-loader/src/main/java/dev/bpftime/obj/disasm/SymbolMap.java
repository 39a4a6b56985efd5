package dev.bpftime.obj.disasm;

import dev.bpftime.obj.elf.Elf;
import dev.bpftime.obj.elf.ElfFile;
import dev.bpftime.obj.elf.ElfSymbol;
import dev.bpftime.obj.elf.ObjectFormatException;
import dev.bpftime.obj.elf.SectionHeader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The symbols llvm-objdump labels code with, grouped by section (disassembleObject in
 * llvm/tools/llvm-objdump/llvm-objdump.cpp). Like objdump it skips, with a warning, a symbol whose entry
 * or name cannot be read, skips unnamed, STT_SECTION and STT_FILE symbols, and fails on a symbol whose
 * section index is out of range.
 */
final class SymbolMap {

    private final Map<Integer, List<DisasmSymbol>> bySection = new HashMap<>();
    private final List<DisasmSymbol> absolute = new ArrayList<>();

    static SymbolMap collect(ElfFile elf, List<String> warnings) {
        SymbolMap map = new SymbolMap();
        Optional<SectionHeader> symtab = elf.symbolTable();
        if (symtab.isEmpty()) {
            return map;
        }
        int count = elf.symbolCount(symtab.get());
        for (int i = 1; i < count; i++) {
            ElfSymbol sym;
            try {
                sym = elf.symbol(symtab.get(), i);
            } catch (ObjectFormatException unreadable) {
                warnings.add(unreadable.getMessage());
                continue;
            }
            if (sym.nameBytes().length == 0 || sym.type() == Elf.STT_SECTION || sym.type() == Elf.STT_FILE) {
                continue;
            }
            Optional<SectionHeader> section = elf.symbolSection(sym);
            long address = value(sym) + section.map(SectionHeader::address).orElse(0L);
            DisasmSymbol entry = new DisasmSymbol(address, sym.nameBytes(), sym.type());
            if (section.isPresent()) {
                map.bySection.computeIfAbsent(section.get().index(), k -> new ArrayList<>()).add(entry);
            } else {
                map.absolute.add(entry);
            }
        }
        map.bySection.values().forEach(list -> list.sort(DisasmSymbol.ORDER));
        map.absolute.sort(DisasmSymbol.ORDER);
        return map;
    }

    /**
     * ObjectFile::getSymbolValue: 0 for an undefined symbol, st_size for a common one, else st_value;
     * ELFObjectFile::getSymbolAddress then adds the section's address, st_value being section-relative
     * in a relocatable object.
     */
    private static long value(ElfSymbol sym) {
        if (sym.sectionIndex() == Elf.SHN_UNDEF) {
            return 0;
        }
        if (sym.type() == Elf.STT_COMMON || sym.sectionIndex() == Elf.SHN_COMMON) {
            return sym.size();
        }
        return sym.value();
    }

    /** The sorted symbols defined in section {@code index}, as a fresh list the caller may change. */
    List<DisasmSymbol> inSection(int index) {
        return new ArrayList<>(bySection.getOrDefault(index, List.of()));
    }

    /** The sorted symbols outside any section (undefined, absolute, common). */
    List<DisasmSymbol> absolute() {
        return absolute;
    }
}
