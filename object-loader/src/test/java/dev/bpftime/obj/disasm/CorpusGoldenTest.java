package dev.bpftime.obj.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bpftime.obj.elf.ObjectFormatException;
import dev.bpftime.obj.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every object of the shared ebpf-samples corpus, fuzzed invalid/ ones included, listed by
 * llvm-objdump-19 -d at test time and by {@link ObjectDisassembler}: the texts must be equal line by line,
 * and where objdump refuses a file, ours must throw {@link ObjectFormatException}.
 */
class CorpusGoldenTest {

    @Test
    void everyCorpusObjectListsAsObjdumpListsIt() throws Exception {
        Path corpus = Tools.shared().resolve("corpus/ebpf-samples");
        assumeTrue(Tools.installed("llvm-objdump-19"), "llvm-objdump-19 is not installed (Debian package llvm-19)");
        List<Path> files = corpusObjects(corpus);
        assertTrue(files.size() > 100, "expected the ebpf-samples corpus, found " + files.size() + " objects in " + corpus);
        List<String> failures = new ArrayList<>();
        int compared = 0;
        int refused = 0;
        long instructions = 0;
        for (Path f : files) {
            Tools.Result objdump = Tools.run(List.of("llvm-objdump-19", "-d", f.toString()));
            try {
                ObjectDisassembler.Disassembly ours = ObjectDisassembler.disassemble(f, null, new ArrayList<>());
                if (objdump.exitCode() != 0) {
                    failures.add(f + ": llvm-objdump refuses it (" + objdump.stderr().strip() + ") but we listed it");
                    continue;
                }
                Tools.firstDifference(f.toString(), objdump.stdout(), ours.text()).ifPresent(failures::add);
                compared++;
                instructions += ours.instructionLines();
            } catch (ObjectFormatException e) {
                if (objdump.exitCode() == 0) {
                    failures.add(f + ": llvm-objdump lists it but we refused: " + e.getMessage());
                } else {
                    refused++;
                }
            }
        }
        System.out.printf("objdump golden: %d files equal (%d instruction lines), %d refused by both, %d failures%n",
                compared, instructions, refused, failures.size());
        assertEquals(List.of(), failures);
    }

    /** Regular files under the corpus that are objects: *.o, and the fuzzed files of invalid/ (no suffix). */
    static List<Path> corpusObjects(Path corpus) throws IOException {
        try (Stream<Path> walk = Files.walk(corpus)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".o") || p.getParent().getFileName().toString().equals("invalid"))
                    .sorted().toList();
        }
    }
}
