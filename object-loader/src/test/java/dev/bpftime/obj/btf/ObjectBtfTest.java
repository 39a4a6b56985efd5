package dev.bpftime.obj.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bpftime.obj.elf.Elf;
import dev.bpftime.obj.elf.ElfFile;
import dev.bpftime.obj.elf.ElfSymbol;
import dev.bpftime.obj.testing.Tools;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The BTF of an object that clang-19 compiles at test time for both byte orders, with bit fields, unions,
 * signed and 64-bit enums, floats, tags, CO-RE accesses and global data: the two orders read alike, the
 * .BTF.ext names the object's functions and lines, and the DATASEC fix-ups equal those of libbpf's linker.
 */
class ObjectBtfTest {

    private static final String SOURCE = """
            typedef unsigned int u32;
            typedef unsigned long long u64;
            struct bits { u32 a : 3; u32 b : 13; int c; union { char x; short y; }; };
            enum sign { NEG = -2, POS = 5 };
            enum wide { W = 0x1ffffffffULL };
            struct task { int pid; struct bits b; double d; float f; } __attribute__((preserve_access_index));
            int __attribute__((btf_decl_tag("hot"))) counter = 3;
            volatile u64 seen;
            const enum sign mode = POS;
            enum wide w;
            int __attribute__((btf_type_tag("user"))) *uptr;
            struct { int type; int max_entries; } my_map __attribute__((section(".maps")));
            static __attribute__((noinline)) int helper(struct task *t, int k) { return t->b.c + k + t->pid; }
            __attribute__((section("kprobe/x"), used)) int prog(struct task *t) {
                seen += helper(t, counter);
                return t->b.b + w + mode;
            }
            char _license[] __attribute__((section("license"), used)) = "GPL";
            """;

    private static Path le;
    private static Path be;

    @BeforeAll
    static void compile() throws Exception {
        assumeTrue(Tools.installed("clang-19"), "clang-19 is not installed (Debian package clang-19)");
        Path dir = Tools.workDir("btf-object");
        Path source = dir.resolve("kinds.c");
        Files.writeString(source, SOURCE);
        le = dir.resolve("kinds-bpfel.o");
        be = dir.resolve("kinds-bpfeb.o");
        for (String[] target : new String[][] {{"bpfel", le.toString()}, {"bpfeb", be.toString()}}) {
            Tools.Result cc = Tools.run(List.of("clang-19", "-target", target[0], "-g", "-O2", "-c", source.toString(),
                    "-o", target[1]));
            assertEquals(0, cc.exitCode(), cc.stderr());
        }
    }

    private static byte[] sectionBytes(Path object, String name) throws Exception {
        ElfFile elf = ElfFile.read(object);
        return elf.contents(elf.sectionsNamed(name).get(0));
    }

    /** The other byte order of a .BTF.ext: a u16 magic, two bytes, then nothing but u32 words. */
    private static byte[] swapWords(byte[] ext) {
        byte[] out = ext.clone();
        out[0] = ext[1];
        out[1] = ext[0];
        for (int i = 4; i + 4 <= ext.length; i += 4) {
            for (int j = 0; j < 4; j++) {
                out[i + j] = ext[i + 3 - j];
            }
        }
        return out;
    }

    private static ObjectBtf read(Path object) throws Exception {
        return ObjectBtf.read(ElfFile.read(object)).orElseThrow();
    }

    @Test
    void bothByteOrdersReadAlike() throws Exception {
        ObjectBtf little = read(le);
        ObjectBtf big = read(be);
        assertEquals(ByteOrder.LITTLE_ENDIAN, little.btf().order());
        assertEquals(ByteOrder.BIG_ENDIAN, big.btf().order());
        assertEquals(little.btf().types(), big.btf().types());
        // clang's code for the two orders differs (bit-field loads), so their line tables do too; the
        // functions are the same.
        assertEquals(ByteOrder.BIG_ENDIAN, big.ext().orElseThrow().order());
        assertEquals(little.ext().orElseThrow().funcInfo(), big.ext().orElseThrow().funcInfo());
        byte[] ext = sectionBytes(le, ".BTF.ext");
        BtfExt swapped = BtfExt.parse(swapWords(ext), big.btf());
        BtfExt original = little.ext().orElseThrow();
        assertEquals(ByteOrder.BIG_ENDIAN, swapped.order());
        assertEquals(List.of(original.funcInfo(), original.lineInfo(), original.coreRelos()),
                List.of(swapped.funcInfo(), swapped.lineInfo(), swapped.coreRelos()));
        BtfException e = org.junit.jupiter.api.Assertions.assertThrows(BtfException.class,
                () -> Btf.load(big.btf().raw()));
        assertEquals(Errno.EINVAL, e.errno(), e.getMessage());
    }

    @Test
    void typesAreWhatTheSourceSays() throws Exception {
        Btf btf = read(le).btf();
        BtfType.Struct bits = btf.find("bits", BtfType.Struct.class).orElseThrow();
        assertTrue(bits.kindFlag(), "clang marks structs with bit fields");
        assertEquals(List.of("a", "b", "c", ""), bits.members().stream().map(BtfType.Member::name).toList());
        assertEquals(new Btf.MemberLayout(3, 13, true), btf.memberLayout(bits, bits.members().get(1)));
        assertEquals(12, bits.size());
        assertEquals(8 * 8, btf.member(bits.id(), "y").orElseThrow().bitOffset());
        BtfType.Enum sign = btf.find("sign", BtfType.Enum.class).orElseThrow();
        assertTrue(sign.signed());
        assertEquals(-2, sign.values().get(0).value());
        BtfType.Enum64 wide = btf.find("wide", BtfType.Enum64.class).orElseThrow();
        assertEquals(0x1ffffffffL, wide.values().get(0).value());
        assertEquals(8, btf.find("double", BtfType.Float.class).orElseThrow().size());
        BtfType.DeclTag hot = btf.find("hot", BtfType.DeclTag.class).orElseThrow();
        assertEquals("counter", btf.type(hot.type()).name());
        BtfType.Var uptr = btf.find("uptr", BtfType.Var.class).orElseThrow();
        BtfType.Ptr ptr = btf.type(uptr.type(), BtfType.Ptr.class);
        assertEquals(new BtfType.TypeTag(ptr.type(), "user", btf.find("int", BtfKind.INT).orElseThrow().id(), false),
                btf.type(ptr.type()));
        assertEquals(8, btf.sizeOf(btf.find("seen", BtfType.Var.class).orElseThrow().id()));
        assertEquals(BtfKind.ENUM, btf.resolve(btf.find("mode", BtfType.Var.class).orElseThrow().type()).kind());
        BtfType.FuncProto helper = btf.type(btf.find("helper", BtfType.Func.class).orElseThrow().type(),
                BtfType.FuncProto.class);
        assertEquals(List.of("t", "k"), helper.params().stream().map(BtfType.Param::name).toList());
        assertEquals(BtfType.Linkage.STATIC, btf.find("helper", BtfType.Func.class).orElseThrow().linkage());
    }

    @Test
    void extNamesFunctionsLinesAndRelocations() throws Exception {
        ElfFile elf = ElfFile.read(le);
        ObjectBtf object = ObjectBtf.read(elf).orElseThrow();
        Btf btf = object.btf();
        BtfExt ext = object.ext().orElseThrow();
        Map<String, String> functions = new TreeMap<>();
        for (ElfSymbol s : elf.symbols()) {
            if (s.type() == Elf.STT_FUNC) {
                functions.put(elf.sectionName(elf.symbolSection(s).orElseThrow()) + "+" + s.value(), s.name());
            }
        }
        Map<String, String> fromExt = new TreeMap<>();
        for (BtfExt.Section<BtfExt.FuncInfo> sec : ext.funcInfo()) {
            for (BtfExt.FuncInfo f : sec.records()) {
                fromExt.put(sec.name() + "+" + f.insnOffset(), btf.type(f.typeId()).name());
            }
        }
        assertEquals(functions, fromExt);
        BtfExt.Section<BtfExt.LineInfo> lines = ext.lineInfo("kprobe/x").orElseThrow();
        assertTrue(lines.records().stream().allMatch(l -> l.fileName().endsWith("kinds.c")), lines.toString());
        assertTrue(lines.records().stream().anyMatch(l -> l.line().contains("seen += helper(t, counter);")
                && l.lineNumber() == 15), lines.toString());
        String relos = ext.coreRelos().stream().flatMap(s -> s.records().stream())
                .map(r -> btf.type(r.typeId()).name() + " " + r.accessString() + " " + r.kind())
                .sorted().distinct().collect(Collectors.joining(", "));
        assertTrue(relos.contains("task 0:0 FIELD_BYTE_OFFSET") && relos.contains("task 0:1 FIELD_BYTE_OFFSET"),
                relos);
    }

    @Test
    void datasecFixupsMatchLibbpfsLinker() throws Exception {
        assumeTrue(Tools.installed("bpftool"), "bpftool is not installed (Debian package bpftool)");
        Path linked = Tools.workDir("btf-object").resolve("kinds-linked.o");
        Tools.Result link = Tools.run(List.of("bpftool", "gen", "object", linked.toString(), le.toString()));
        assertEquals(0, link.exitCode(), link.stderr());
        Btf ours = Btf.load(read(le).kernelBlob());
        Btf libbpf = read(linked).btf();
        assertEquals(datasecs(libbpf), datasecs(ours));
        assertEquals(5, datasecs(ours).size());
    }

    /** Each DATASEC by name: its size and its variables as name@offset+size. */
    private static Map<String, String> datasecs(Btf btf) {
        Map<String, String> out = new TreeMap<>();
        for (BtfType t : btf.types()) {
            if (t instanceof BtfType.Datasec d) {
                out.put(d.name(), d.size() + ": " + d.vars().stream()
                        .map(v -> btf.type(v.type()).name() + "@" + v.offset() + "+" + v.size())
                        .collect(Collectors.joining(" ")));
            }
        }
        return out;
    }
}
