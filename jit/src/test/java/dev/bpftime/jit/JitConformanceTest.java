package dev.bpftime.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.conformance.ConformanceFile;
import dev.bpftime.jit.run.JvmHelperTable;
import dev.bpftime.jit.run.JvmRunner;
import dev.bpftime.vm.ConformanceRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bpf_conformance suite of ../shared/conformance on the JIT, run in the JVM. */
class JitConformanceTest {

    private static final int SUITE_FILES = 313;
    private static JvmHelperTable helpers;

    @BeforeAll
    static void helperTable() {
        // The suite's helper 5, "unwind", returns its argument; JitOptions.CONFORMANCE makes 0 end the program.
        helpers = new JvmHelperTable(16, Map.of(ConformanceRunner.UNWIND_HELPER, (r1, r2, r3, r4, r5) -> r1));
    }

    @AfterAll
    static void free() {
        helpers.close();
    }

    static ConformanceRunner onJit() {
        return new ConformanceRunner((program, memory) ->
                JvmRunner.run(program, JitOptions.CONFORMANCE, helpers, memory));
    }

    private static List<Path> suite() throws IOException {
        return ConformanceFile.list(ConformanceFile.sharedCorpus("tests"));
    }

    @Test
    void wholeSuitePasses() throws IOException {
        List<Path> files = suite();
        assertEquals(SUITE_FILES, files.size(), "conformance files");
        ConformanceRunner.Report report = onJit().runAll(files);
        System.out.println("conformance on the JIT: " + report.summary());
        String failures = report.failures().stream().map(o -> o.test() + ": " + o.detail())
                .collect(Collectors.joining("\n"));
        assertEquals(0, report.failed(), failures);
        assertEquals(SUITE_FILES, report.passed(), failures);
    }

    @Test
    void aWrongResultIsReportedAsAFailure() throws IOException {
        Path highBits = ConformanceFile.sharedCorpus("negative").resolve("incorrect_return_value_high_bits.data");
        ConformanceRunner.Outcome o = onJit().run(highBits);
        assertEquals(false, o.passed(), o.detail());
        assertTrue(o.detail().startsWith("result: actual 0x8877665544332211"), o.detail());
    }
}
