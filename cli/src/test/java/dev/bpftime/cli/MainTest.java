package dev.bpftime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void versionNamesTheBuiltVersionAndJava() {
        CliRun run = CliRun.of("version");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.lines()[0].matches("bpftime \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), run.out());
        assertTrue(run.out().contains("java " + System.getProperty("java.version")), run.out());
        assertEquals("", run.err());
    }

    @Test
    void versionOptionMatchesVersionCommand() {
        assertEquals(CliRun.of("version").lines()[0], CliRun.of("--version").out().strip());
    }

    @Test
    void helpListsEverySubcommandAndExitsZero() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.code());
        assertTrue(run.out().contains("version") && run.out().contains("decode"), run.out());
        CliRun sub = CliRun.of("decode", "--help");
        assertEquals(0, sub.code(), sub.err());
        assertTrue(sub.out().contains("--hex"), sub.out());
    }

    @Test
    void serviceTakesItsOwnOptions() {
        // picocli put these unmatched arguments into an immutable list and failed; a bad --idle-exit
        // value shows they reach ServiceMain's parser (which refuses it before starting anything).
        CliRun run = CliRun.of("service", "--runtime-dir", "/nonexistent/bpftime-test", "--idle-exit", "soon");
        assertEquals(Main.EXIT_USAGE, run.code(), run.err());
    }

    @Test
    void noCommandIsAUsageError() {
        CliRun run = CliRun.of();
        assertEquals(Main.EXIT_USAGE, run.code());
        assertTrue(run.err().startsWith("bpftime: missing command: one of version, decode"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void unknownCommandIsAUsageErrorWithASuggestion() {
        CliRun run = CliRun.of("decod");
        assertEquals(Main.EXIT_USAGE, run.code());
        assertTrue(run.err().startsWith("bpftime: Unmatched argument at index 0: 'decod'"), run.err());
        assertTrue(run.err().contains("bpftime decode"), run.err());
    }

    @Test
    void picocliMessagesLoseTheirErrorPrefix() {
        CliRun run = CliRun.of("decode");
        assertEquals(Main.EXIT_USAGE, run.code());
        assertTrue(run.err().startsWith("bpftime: Missing required argument"), run.err());
        assertTrue(run.err().contains("try 'bpftime decode --help'"), run.err());
    }

    @Test
    void fileAndHexTogetherIsAUsageError() {
        CliRun run = CliRun.of("decode", "--hex", "95 00 00 00 00 00 00 00", "prog.bin");
        assertEquals(Main.EXIT_USAGE, run.code());
        assertTrue(run.err().startsWith("bpftime: ") && run.err().contains("'prog.bin'"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void userErrorsAreOneLineWithoutTrace() {
        CliRun run = CliRun.of("decode", "/nonexistent/prog.bin");
        assertEquals(Main.EXIT_FAILED, run.code());
        assertEquals("bpftime: cannot read /nonexistent/prog.bin: no such file\n", run.err());
        assertFalse(run.err().contains("\tat "));
    }
}
