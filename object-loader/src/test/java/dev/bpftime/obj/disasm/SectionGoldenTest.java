package dev.bpftime.obj.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bpftime.obj.elf.ElfFile;
import dev.bpftime.obj.elf.SectionHeader;
import dev.bpftime.obj.testing.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code llvm-objdump-19 -d --section=NAME} for every section name of a few corpus objects (data, BTF,
 * .bss and relocation sections too, which --section lists as if they were code) and for a missing name.
 */
class SectionGoldenTest {

    @ParameterizedTest
    @ValueSource(strings = {"build/twomaps.o", "build/bpf2bpf.o", "build/global_variable.o", "linux/sockex3_kern.o",
        "cilium/bpf_lxc.o", "invalid/badsymsize.o"})
    void everySectionListsAsObjdumpListsIt(String name) throws Exception {
        Path file = Tools.shared().resolve("corpus/ebpf-samples").resolve(name);
        assumeTrue(Tools.installed("llvm-objdump-19"), "llvm-objdump-19 is not installed (Debian package llvm-19)");
        ElfFile elf = ElfFile.read(file);
        Set<String> names = new LinkedHashSet<>();
        for (SectionHeader s : elf.sections()) {
            names.add(elf.sectionName(s));
        }
        names.remove("");
        names.add("no-such-section");
        List<String> failures = new ArrayList<>();
        for (String section : names) {
            Tools.Result objdump = Tools.run(List.of("llvm-objdump-19", "-d", "--section=" + section, file.toString()));
            assertEquals(0, objdump.exitCode(), objdump.stderr());
            String ours = ObjectDisassembler.disassemble(file, section);
            Tools.firstDifference(file + " --section=" + section, objdump.stdout(), ours).ifPresent(failures::add);
        }
        System.out.printf("objdump --section golden: %s, %d sections%n", name, names.size());
        assertEquals(List.of(), failures);
    }
}
