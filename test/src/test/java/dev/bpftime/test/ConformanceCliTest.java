package dev.bpftime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code bpftime conformance} from a copy of dist/: the native interpreter is found beside the jars,
 * the whole bpf_conformance suite passes, and a run-time negative test is reported as a failure.
 */
class ConformanceCliTest {

    @RegisterExtension
    final DistHome dist = new DistHome();

    @Test
    void wholeSuitePassesOnTheInterpreter() throws Exception {
        Path tests = Shared.dir("conformance/tests");
        long files;
        try (var s = Files.list(tests)) {
            files = s.filter(p -> p.toString().endsWith(".data")).count();
        }
        Command.Result r = dist.bpftime("conformance", tests.toString()).run();
        assertEquals(0, r.code(), r.describe());
        String[] lines = r.lines();
        assertEquals(files + " passed, 0 failed", lines[lines.length - 1], r.describe());
    }

    @Test
    void wholeSuitePassesOnTheJit() throws Exception {
        Path tests = Shared.dir("conformance/tests");
        Command.Result r = dist.bpftime("conformance", "--engine", "jit", tests.toString()).run();
        assertEquals(0, r.code(), r.describe());
        String[] lines = r.lines();
        assertTrue(lines[lines.length - 1].matches("[1-9][0-9]* passed, 0 failed"), r.describe());
    }

    @Test
    void runTimeNegativesAreFailuresWithTheirReason() throws Exception {
        Path negative = Shared.dir("conformance/negative");
        Command.Result r = dist.bpftime("conformance", negative.resolve("incorrect_return_value_high_bits.data").toString(),
                negative.resolve("error.data").toString()).run();
        assertEquals(1, r.code(), r.describe());
        String out = r.out();
        assertTrue(out.contains("incorrect_return_value_high_bits.data: result: actual 0x8877665544332211 vs "
                + "expected 0x8977665544332211"), r.describe());
        assertTrue(out.contains("error.data: result: actual"), r.describe());
        String[] lines = r.lines();
        assertEquals("0 passed, 2 failed", lines[lines.length - 1], r.describe());
    }

    @Test
    void unknownEngineIsAUsageError() throws Exception {
        Command.Result r = dist.bpftime("conformance", "--engine", "warp", Shared.dir("conformance/tests").toString()).run();
        assertEquals(2, r.code(), r.describe());
        assertTrue(r.err().contains("--engine"), r.describe());
    }

    @Test
    void runsAsAnotherUser() throws Exception {
        Unprivileged.assumeAvailable();
        Path copy = Files.createDirectory(dist.temp().resolve("tests"));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var s = Files.list(Shared.dir("conformance/tests"))) {
            for (Path f : s.toList()) {
                Path to = Files.copy(f, copy.resolve(f.getFileName()));
                Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        Command.Result r = Unprivileged.command(dist.temp(), dist.home().resolve("bin/bpftime").toString(), "conformance",
                copy.toString()).run();
        assertEquals(0, r.code(), r.describe());
        String[] lines = r.lines();
        assertTrue(lines[lines.length - 1].endsWith(" passed, 0 failed"), r.describe());
    }
}
