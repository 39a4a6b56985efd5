package dev.bpftime.benchmarks.isa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionEncoder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's input and one invocation of each method; timing is JMH's job, not a test's. */
class CodecBenchmarkTest {

    @Test
    void inputIsTheFirstInstructionsOfTheObjectAndBothMethodsWork() {
        CodecBenchmark bench = new CodecBenchmark();
        bench.object = "cilium/bpf_lxc.o";
        bench.load();

        List<Instruction> decoded = bench.decode();
        assertEquals(CodecBenchmark.INSTRUCTIONS, decoded.size());
        assertTrue(decoded.stream().anyMatch(Instruction::isLoadImm64), "a real program has 64-bit loads");
        assertArrayEquals(InstructionEncoder.encode(decoded), bench.encode());
    }

    @Test
    void tooSmallAnObjectIsRefusedWithItsCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CorpusProgram.load("cilium/bpf_lxc.o", 100_000_000));
        assertTrue(e.getMessage().contains("instructions in executable sections: actual "), e.getMessage());
    }

    @Test
    void somethingElseThanElfIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExecutableSections.read(new byte[64], "zeros.o"));
        assertEquals("zeros.o: not an ELF file (no \\x7fELF magic in 64 bytes)", e.getMessage());
    }
}
