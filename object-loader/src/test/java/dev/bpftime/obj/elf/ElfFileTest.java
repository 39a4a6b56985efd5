package dev.bpftime.obj.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bpftime.obj.disasm.ObjectDisassembler;
import dev.bpftime.obj.testing.Tools;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The reader on a real object, on both byte orders, and its refusals one by one. */
class ElfFileTest {

    private static final String NAME = "twomaps.o";

    private static byte[] twomaps() throws Exception {
        return Files.readAllBytes(Tools.shared().resolve("corpus/ebpf-samples/build/twomaps.o"));
    }

    @Test
    void readsSectionsSymbolsAndRelocations() throws Exception {
        ElfFile elf = ElfFile.parse(twomaps(), NAME);
        assertEquals(ByteOrder.LITTLE_ENDIAN, elf.order());
        assertEquals(25, elf.sections().size());
        SectionHeader text = elf.sectionsNamed(".text").get(0);
        assertTrue(text.isExecutable());
        assertEquals(0x88, text.size());
        SectionHeader rel = elf.sectionsNamed(".rel.text").get(0);
        assertEquals(text, elf.relocatedSection(rel));
        List<Relocation> relocs = elf.relocations(rel);
        assertEquals(List.of(new Relocation(0x10, 14, Relocation.R_BPF_64_64), new Relocation(0x28, 15, Relocation.R_BPF_64_64)), relocs);
        SectionHeader symtab = elf.symbolTable().orElseThrow();
        assertEquals("map2", elf.symbol(symtab, 14).name());
        assertEquals("map1", elf.symbol(symtab, 15).name());
        assertEquals(".maps", elf.sectionName(elf.symbolSection(elf.symbol(symtab, 15)).orElseThrow()));
        assertEquals(15, elf.symbols().size());
    }

    @Test
    void bothByteOrdersReadAlikeAndListAsObjdumpListsThem() throws Exception {
        assumeTrue(Tools.installed("clang-19"), "clang-19 is not installed (Debian package clang-19)");
        Path dir = Tools.workDir("byte-order");
        Path source = dir.resolve("byte_order.c");
        Files.copy(Path.of("src/test/resources/fixtures/byte_order.c"), source, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ElfFile[] objects = new ElfFile[2];
        String[] targets = {"bpfel", "bpfeb"};
        for (int i = 0; i < 2; i++) {
            Path object = dir.resolve("byte_order-" + targets[i] + ".o");
            Tools.Result cc = Tools.run(List.of("clang-19", "-target", targets[i], "-mcpu=v4", "-O2", "-g", "-c",
                    source.toString(), "-o", object.toString()));
            assertEquals(0, cc.exitCode(), cc.stderr());
            objects[i] = ElfFile.read(object);
            if (Tools.installed("llvm-objdump-19")) {
                Tools.Result objdump = Tools.run(List.of("llvm-objdump-19", "-d", object.toString()));
                assertEquals(objdump.stdout(), ObjectDisassembler.disassemble(object, null));
            }
        }
        assertEquals(ByteOrder.LITTLE_ENDIAN, objects[0].order());
        assertEquals(ByteOrder.BIG_ENDIAN, objects[1].order());
        assertEquals(names(objects[0]), names(objects[1]));
        assertEquals(objects[0].symbols().stream().map(s -> s.name() + "/" + s.type() + "/" + s.value()).toList(),
                objects[1].symbols().stream().map(s -> s.name() + "/" + s.type() + "/" + s.value()).toList());
        for (int i = 0; i < objects[0].sections().size(); i++) {
            SectionHeader el = objects[0].sections().get(i);
            if (el.type() == Elf.SHT_REL) {
                assertEquals(objects[0].relocations(el), objects[1].relocations(objects[1].sections().get(i)));
            }
        }
    }

    private static List<String> names(ElfFile elf) {
        return elf.sections().stream().map(elf::sectionName).toList();
    }

    @Test
    void refusesBadMagic() throws Exception {
        refused(d -> d[3] = 'G', "ELF header at byte offset 0x0: bad magic: actual 7f 45 4c 47 vs expected 7f 45 4c 46");
    }

    @Test
    void refusesATruncatedHeader() throws Exception {
        byte[] cut = java.util.Arrays.copyOf(twomaps(), 40);
        assertMessage(cut, "truncated file: actual 40 bytes vs expected at least 64");
    }

    @Test
    void refusesElf32AndOtherMachines() throws Exception {
        refused(d -> d[4] = 1, "at byte offset 0x4: ELF class: actual 1 vs expected 2 (ELFCLASS64)");
        refused(d -> d[18] = 62, "at byte offset 0x12: machine: actual 62 vs expected 247 (EM_BPF)");
    }

    @Test
    void refusesABadSectionHeaderEntrySize() throws Exception {
        refused(d -> d[58] = 40, "at byte offset 0x3a: bad e_shentsize: actual 40 vs expected 64");
    }

    @Test
    void refusesASectionTableOrSectionBeyondTheEnd() throws Exception {
        byte[] cut = java.util.Arrays.copyOf(twomaps(), 0x12a8 + 64 * 10);
        assertMessage(cut, "section header table beyond end of file: actual 25 sections vs expected at most 10");
        // sh_size of section 2 (.text) at 0x12a8 + 2 * 64 + 32
        refused(d -> le(d).putLong(0x12a8 + 2 * 64 + 32, 0x100000),
                "section header 2 at byte offset 0x1328: section beyond end of file: actual sh_offset 0x40 + sh_size 0x100000");
    }

    @Test
    void refusesAnOutOfRangeSectionNameTable() throws Exception {
        refused(d -> le(d).putShort(62, (short) 99), "e_shstrndx: actual 99 vs expected below 25");
    }

    @Test
    void refusesAStringIndexOutOfRange() throws Exception {
        byte[] d = twomaps();
        le(d).putInt(0xc38 + 15 * 24, 0x7000);
        ElfFile elf = ElfFile.parse(d, NAME);
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> elf.symbol(elf.symbolTable().orElseThrow(), 15));
        assertEquals(NAME + ": symbol 15 of section 24 (.symtab) at byte offset 0xda0: string index out of range: actual 0x7000"
                + " vs expected below 0xfd (size of section 1 (.strtab))", e.getMessage());
    }

    @Test
    void refusesARelocationSymbolIndexOutOfRange() throws Exception {
        byte[] d = twomaps();
        le(d).putInt(0xdb8 + 12, 99);
        ElfFile elf = ElfFile.parse(d, NAME);
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> elf.relocations(elf.sectionsNamed(".rel.text").get(0)));
        assertEquals(NAME + ": relocation 0 of section 3 (.rel.text) at byte offset 0xdb8: symbol index out of range:"
                + " actual 99 vs expected below 16", e.getMessage());
    }

    @Test
    void refusesASymbolTableWithTheWrongEntrySize() throws Exception {
        byte[] d = twomaps();
        le(d).putLong(0x12a8 + 24 * 64 + 56, 8);
        ElfFile elf = ElfFile.parse(d, NAME);
        ObjectFormatException e = assertThrows(ObjectFormatException.class, elf::symbols);
        assertTrue(e.getMessage().contains("bad sh_entsize of symbol table: actual 8 vs expected 24"), e.getMessage());
    }

    @Test
    void refusesASymbolInASectionThatDoesNotExist() throws Exception {
        byte[] d = twomaps();
        le(d).putShort(0xc38 + 15 * 24 + 6, (short) 40);
        ObjectFormatException e = assertThrows(ObjectFormatException.class, ElfFile.parse(d, NAME)::symbols);
        assertTrue(e.getMessage().contains("section index out of range: actual 40 vs expected below 25"), e.getMessage());
    }

    private static ByteBuffer le(byte[] d) {
        return ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void refused(Consumer<byte[]> damage, String expected) throws Exception {
        byte[] d = twomaps();
        damage.accept(d);
        assertMessage(d, expected);
    }

    private static void assertMessage(byte[] d, String expected) {
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> ElfFile.parse(d, NAME));
        assertTrue(e.getMessage().startsWith(NAME + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
