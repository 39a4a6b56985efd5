package dev.bpftime.obj.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bpftime.fixtures.Fixtures;
import dev.bpftime.obj.testing.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every BPF object the build compiled from fixtures/ (cpu v3 and v4), listed by llvm-objdump-19 -d at
 * test time and by {@link ObjectDisassembler}: equal line by line. The v4 objects hold what the corpus
 * lacks (sdiv, movsx, sign-extending loads, bswap, gotol).
 */
class FixtureGoldenTest {

    @Test
    void everyFixtureListsAsObjdumpListsIt() throws Exception {
        assumeTrue(Tools.installed("llvm-objdump-19"), "llvm-objdump-19 is not installed (Debian package llvm-19)");
        List<Path> objects = Fixtures.allBpfObjects();
        assertFalse(objects.isEmpty(), "the fixtures build produced no objects");
        List<String> failures = new ArrayList<>();
        long instructions = 0;
        for (Path f : objects) {
            Tools.Result objdump = Tools.run(List.of("llvm-objdump-19", "-d", f.toString()));
            assertEquals(0, objdump.exitCode(), () -> f + ": llvm-objdump-19 failed: " + objdump.stderr());
            ObjectDisassembler.Disassembly ours = ObjectDisassembler.disassemble(f, null, new ArrayList<>());
            Tools.firstDifference(f.toString(), objdump.stdout(), ours.text()).ifPresent(failures::add);
            instructions += ours.instructionLines();
        }
        System.out.printf("objdump golden (fixtures): %d objects, %d instruction lines compared, %d failures%n",
                objects.size(), instructions, failures.size());
        assertEquals(List.of(), failures);
    }
}
