package dev.bpftime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The one table of load's and start's options (launch-options): the help of both commands is made of it,
 * and bin/bpftime, which acts on the options, names none of them itself. test/'s LaunchCommandTest runs the
 * launcher with every option.
 */
class LaunchOptionsTest {

    private static final List<String> NAMES = List.of("--runtime-dir", "--no-jit", "--debug", "--idle-exit");

    @Test
    void theTableHasEachOptionWithItsVariable() {
        List<LaunchOptions.Option> options = LaunchOptions.load().options();
        assertEquals(NAMES, options.stream().map(LaunchOptions.Option::name).toList());
        assertEquals(List.of("BPFTIME_RUNTIME_DIR", "BPFTIME_NO_JIT", "BPFTIME_SERVICE_DEBUG",
                "BPFTIME_SERVICE_IDLE_EXIT"), options.stream().map(LaunchOptions.Option::variable).toList());
        assertEquals("Run programs on the interpreter instead of the JIT image (env BPFTIME_NO_JIT=1).",
                options.get(1).description());
        assertEquals("A service started by this command stops after SECONDS without clients or objects (env "
                + "BPFTIME_SERVICE_IDLE_EXIT; default 300, 0: never).", options.get(3).description());
    }

    @ParameterizedTest
    @ValueSource(strings = {"load", "start"})
    void theHelpListsEveryOptionOfTheTable(String verb) {
        CliRun run = CliRun.of(verb, "--help");
        assertEquals(0, run.code(), run.err());
        String help = run.out().replaceAll("\\s+", " ");
        for (LaunchOptions.Option o : LaunchOptions.load().options()) {
            assertTrue(help.contains(o.name() + (o.isFlag() ? " " : "=" + o.label() + " ")), o.name() + " in " + help);
            assertTrue(help.contains(o.description()), o.description() + " in " + help);
        }
        assertTrue(help.contains(LaunchCommand.IN_PLACE), help);
    }

    @ParameterizedTest
    @ValueSource(strings = {"load", "start"})
    void inThisJvmTheCommandsSayOnlyTheLauncherRunsThem(String verb) {
        CliRun run = CliRun.of(verb, "--no-jit", "--idle-exit", "3", "--", "true");
        assertEquals(Main.EXIT_FAILED, run.code(), run.err());
        assertTrue(run.err().startsWith("bpftime: " + verb + " is run by bin/bpftime"), run.err());
    }

    @Test
    void theLauncherNamesNoOptionItself() throws IOException {
        String root = System.getProperty("bpftime.root");
        assertTrue(root != null, "surefire passes bpftime.root, the worktree");
        String script = Files.readString(Path.of(root, "cli/src/dist/bin/bpftime"));
        for (LaunchOptions.Option o : LaunchOptions.load().options()) {
            assertFalse(script.contains(o.name()), "bin/bpftime names " + o.name() + ": it reads lib/launch-options");
            assertFalse(script.contains(o.variable()), "bin/bpftime names " + o.variable());
        }
        assertTrue(script.contains("$home/lib/launch-options"), "bin/bpftime reads the table");
    }

    @Test
    void aWrongLineIsRefusedNamingIt() {
        refused("--x|DIR|BPFTIME_X|folder|help", "t:1: actual 5 fields vs expected 6 (OPTION|LABEL|VARIABLE|CHECK|HELP|NOTE)");
        refused("# c\n-x|DIR|BPFTIME_X|folder|help|", "t:2: option: actual '-x' vs expected --lower-case-words");
        refused("--x|DIR|BPFTIME_X|number|help|", "t:1: check: actual 'number' vs expected one of flag, folder, seconds");
        refused("--x|DIR|BPFTIME_X|flag|help|", "t:1: label: actual 'DIR' vs expected none for a flag");
        refused("--x||BPFTIME_X|seconds|help|", "t:1: label: actual '' vs expected one for an option with a value");
        refused("--x||X|flag|help|", "t:1: variable: actual 'X' vs expected BPFTIME_...");
    }

    private static void refused(String table, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LaunchOptions.parse(table, "t"));
        assertEquals(message, e.getMessage());
    }
}
