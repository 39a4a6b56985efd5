package dev.bpftime.obj.disasm;

import dev.bpftime.obj.elf.ElfFile;
import dev.bpftime.obj.elf.ObjectFormatException;
import dev.bpftime.obj.elf.SectionHeader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The text {@code llvm-objdump-19 -d FILE} prints for a BPF object, character for character: the
 * file-format line, then each executable section with its symbol labels, instruction indexes, raw bytes,
 * LLVM syntax and branch targets. With a section name it is {@code -d --section=NAME}, which shows that
 * section whatever its flags. Where objdump only warns (an unreadable symbol) the listing goes on the same
 * way; where objdump fails this throws {@link ObjectFormatException}.
 */
public final class ObjectDisassembler {

    private ObjectDisassembler() {
    }

    /** The listing of {@code file}, of every executable section or only of those named {@code sectionOrNull}. */
    public static String disassemble(Path file, String sectionOrNull) throws IOException, ObjectFormatException {
        return disassemble(file, sectionOrNull, new ArrayList<>()).text();
    }

    /** The listing with the warnings objdump would print on stderr, and how many instruction lines it has. */
    public static Disassembly disassemble(Path file, String sectionOrNull, List<String> warnings)
            throws IOException, ObjectFormatException {
        return disassemble(Files.readAllBytes(file), file.toString(), sectionOrNull, warnings);
    }

    /** The listing of an object already in memory; {@code name} stands for the file in the heading. */
    public static Disassembly disassemble(byte[] data, String name, String sectionOrNull, List<String> warnings) {
        ElfFile elf = ElfFile.parse(data, name);
        SymbolMap symbols = SymbolMap.collect(elf, warnings);
        StringBuilder out = new StringBuilder();
        out.append('\n').append(name).append(":\tfile format elf64-bpf\n");
        int lines = 0;
        boolean found = false;
        for (SectionHeader s : elf.sections()) {
            if (sectionOrNull == null ? !s.isExecutable() || s.isNoBits() : !hasName(elf, s, sectionOrNull)) {
                continue;
            }
            found = true;
            if (s.size() == 0) {
                continue;
            }
            byte[] sectionName = elf.sectionNameBytes(s);
            lines += new SectionDisassembler(s, sectionName, new String(sectionName, StandardCharsets.UTF_8),
                    elf.contents(s), elf.order(), symbols.inSection(s.index()), symbols.absolute()).appendTo(out);
        }
        if (sectionOrNull != null && !found) {
            warnings.add("section '" + sectionOrNull + "' mentioned in a -j/--section option, but not found in any input file");
        }
        return new Disassembly(out.toString(), lines, List.copyOf(warnings));
    }

    private static boolean hasName(ElfFile elf, SectionHeader s, String wanted) {
        try {
            return Arrays.equals(elf.sectionNameBytes(s), wanted.getBytes(StandardCharsets.UTF_8));
        } catch (ObjectFormatException unreadable) {
            return false;
        }
    }

    /** A listing, the number of instruction lines in it, and objdump's warnings. */
    public record Disassembly(String text, int instructionLines, List<String> warnings) {
    }
}
