package dev.bpftime.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.conformance.ConformanceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The bpf_conformance suite of ../shared/conformance on the C interpreter, with and without bounds checks. */
class InterpreterConformanceTest {

    private static final int SUITE_FILES = 313;

    private static Path corpus(String name) {
        return ConformanceFile.sharedCorpus(name);
    }

    private static List<Path> files(String name) {
        try {
            return ConformanceFile.list(corpus(name));
        } catch (IOException e) {
            throw new AssertionError("listing " + corpus(name) + ": " + e, e);
        }
    }

    @TestFactory
    Stream<DynamicTest> eachFileWithBoundsChecks() {
        ConformanceRunner runner = ConformanceRunner.onInterpreter(true);
        return files("tests").stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            ConformanceRunner.Outcome o = runner.run(f);
            assertTrue(o.passed(), o.test() + ": " + o.detail());
        }));
    }

    @Test
    void wholeSuitePassesInBothModes() {
        List<Path> files = files("tests");
        assertEquals(SUITE_FILES, files.size(), "files in " + corpus("tests"));
        for (boolean checked : new boolean[] {false, true}) {
            ConformanceRunner.Report report = ConformanceRunner.onInterpreter(checked).runAll(files);
            System.out.println("conformance on the interpreter " + (checked ? "with" : "without") + " bounds checks: "
                    + report.summary());
            String failures = report.failures().stream().map(o -> o.test() + ": " + o.detail())
                    .collect(Collectors.joining("\n"));
            assertEquals(SUITE_FILES, report.passed(), failures);
            assertEquals(0, report.failed(), failures);
        }
    }

    @Test
    void negativeFilesThatOnlyARunCanRefuseAreReportedAsFailures() {
        ConformanceRunner runner = ConformanceRunner.onInterpreter(true);
        Path negative = corpus("negative");

        ConformanceRunner.Outcome error = runner.run(negative.resolve("error.data"));
        assertEquals(false, error.passed(), error.detail());
        assertTrue(error.detail().matches("result: actual 0x[0-9a-f]+ vs expected an error containing 'Invalid'"),
                error.detail());

        ConformanceRunner.Outcome highBits = runner.run(negative.resolve("incorrect_return_value_high_bits.data"));
        assertEquals(false, highBits.passed(), highBits.detail());
        assertEquals("result: actual 0x8877665544332211 vs expected 0x8977665544332211", highBits.detail());
    }

    @Test
    void unparsableFileFails(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.data"), "-- asm\nldxq %r0, [%r1]\nexit\n-- result\n0x0\n");
        ConformanceRunner.Outcome o = ConformanceRunner.onInterpreter(true).run(bad);
        assertEquals(false, o.passed());
        assertTrue(o.detail().startsWith("cannot parse: "), o.detail());
    }

    @Test
    void expectedErrorPassesOnlyWithItsText() {
        ConformanceRunner refusing = new ConformanceRunner((program, memory) -> {
            throw new VmException(VmStatus.REFUSED, 0, "at instruction 0: Invalid thing");
        });
        Path negative = corpus("negative");
        assertTrue(refusing.run(negative.resolve("error.data")).passed());
        assertEquals(false, refusing.run(negative.resolve("incorrect_return_value_high_bits.data")).passed());
    }
}
