package dev.bpftime.obj.disasm;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * A symbol as llvm-objdump keeps it for labels and branch annotations (SymbolInfoTy): its address, raw
 * name and ELF type. Sorted by address, then name bytes, then type, as SymbolInfoTy::operator< does.
 */
record DisasmSymbol(long address, byte[] nameBytes, int type) {

    static final Comparator<DisasmSymbol> ORDER = (a, b) -> {
        int c = Long.compareUnsigned(a.address, b.address);
        if (c == 0) {
            c = Arrays.compareUnsigned(a.nameBytes, b.nameBytes);
        }
        return c != 0 ? c : Integer.compare(a.type, b.type);
    };

    String name() {
        return new String(nameBytes, StandardCharsets.UTF_8);
    }
}
