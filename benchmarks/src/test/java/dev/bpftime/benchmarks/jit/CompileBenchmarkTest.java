package dev.bpftime.benchmarks.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.jit.JitImage;
import org.junit.jupiter.api.Test;

/** The compile-time figure's input is the ~1,000-instruction program it claims, and it compiles. */
class CompileBenchmarkTest {

    @Test
    void theProgramHasAbout1000InstructionsAndCompiles() {
        CompileBenchmark bench = new CompileBenchmark();
        bench.object = "cilium-core/bpf_lxc.o";
        bench.section = "tc/entry";
        bench.load();

        assertEquals(974, CompileBenchmark.load(bench.object, bench.section).stream()
                .mapToInt(i -> i.isLoadImm64() ? 2 : 1).sum(), "slots of tc/entry");
        JitImage image = bench.compile();
        assertTrue(image.code().length > 1004, "x86-64 bytes: " + image.code().length);
    }

    @Test
    void aMissingSectionIsRefusedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CompileBenchmark.load("cilium-core/bpf_lxc.o", "no/such/section"));
        assertTrue(e.getMessage().endsWith("sections named no/such/section: actual 0 vs expected 1"), e.getMessage());
    }
}
