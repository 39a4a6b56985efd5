package dev.bpftime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code bpftime load} and {@code bpftime start} from a copy of dist/: the command replaces the launcher
 * (same pid, its exit status), runs with our library first in LD_PRELOAD and the user's kept, and each
 * option sets its environment-variable twin; every option the help lists is one the launcher takes.
 */
class LaunchCommandTest {

    /** Prints what the command sees: its pid and the variables the options set. */
    private static final String SHOW = "echo pid=$$; echo LD_PRELOAD=$LD_PRELOAD; echo RUNTIME=$BPFTIME_RUNTIME_DIR;"
            + " echo NO_JIT=$BPFTIME_NO_JIT; echo DEBUG=$BPFTIME_SERVICE_DEBUG; echo IDLE=$BPFTIME_SERVICE_IDLE_EXIT;"
            + " exit 7";

    @RegisterExtension
    final DistHome dist = new DistHome();

    /** The copy's launcher with none of the variables its options set, nor a preload. */
    private Command bpftime(String... args) {
        Command c = dist.bpftime(args);
        c.env().remove("LD_PRELOAD");
        c.env().remove("BPFTIME_RUNTIME_DIR");
        c.env().remove("BPFTIME_NO_JIT");
        c.env().remove("BPFTIME_SERVICE_DEBUG");
        c.env().remove("BPFTIME_SERVICE_IDLE_EXIT");
        return c;
    }

    @Test
    void loadExecsTheCommandInPlaceWithTheShimFirstAndTheUsersPreloadKept() throws Exception {
        Command c = bpftime("load", "--runtime-dir", dist.temp().resolve("run").toString(), "--no-jit", "--debug",
                "--idle-exit", "9", "--", "/bin/sh", "-c", SHOW);
        c.env().put("LD_PRELOAD", "/usr/lib/x86_64-linux-gnu/libc.so.6");
        Process p = c.start();
        Command.Result r = c.finish(p);
        assertEquals(7, r.code(), "the command's exit status is bpftime's\n" + r.describe());
        assertEquals(List.of("pid=" + p.pid(),
                "LD_PRELOAD=" + dist.shim() + ":/usr/lib/x86_64-linux-gnu/libc.so.6",
                "RUNTIME=" + dist.temp().resolve("run"), "NO_JIT=1", "DEBUG=1", "IDLE=9"), List.of(r.lines()), r.describe());
        assertEquals("", r.err());
    }

    @Test
    void withoutOptionsNothingIsSetButThePreloadAndTheDashDashIsOptional() throws Exception {
        Command c = bpftime("load", "/bin/sh", "-c", SHOW);
        Process p = c.start();
        Command.Result r = c.finish(p);
        assertEquals(List.of("pid=" + p.pid(), "LD_PRELOAD=" + dist.shim(),
                "RUNTIME=", "NO_JIT=", "DEBUG=", "IDLE="), List.of(r.lines()), r.describe());
    }

    @Test
    void startPreloadsTheAgentOrSaysItIsMissing() throws Exception {
        Path agent = dist.home().resolve("lib/libbpftime-agent.so");
        Command c = bpftime("start", "--runtime-dir", dist.temp().resolve("run").toString(), "--", "/bin/sh", "-c", SHOW);
        Process p = c.start();
        Command.Result r = c.finish(p);
        if (Files.exists(agent)) {
            assertEquals(7, r.code(), r.describe());
            assertEquals("pid=" + p.pid(), r.lines()[0], r.describe());
            assertEquals("LD_PRELOAD=" + agent, r.lines()[1], r.describe());
        } else {
            assertEquals(1, r.code(), r.describe());
            assertTrue(r.err().contains(agent + " is missing"), r.describe());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"load", "start"})
    void badCommandLinesAreUsageErrors(String verb) throws Exception {
        for (List<String> args : List.<List<String>>of(List.of(), List.of("--"), List.of("--bogus", "--", "true"),
                List.of("--runtime-dir"), List.of("--idle-exit", "soon", "true"))) {
            List<String> all = new ArrayList<>(List.of(verb));
            all.addAll(args);
            Command.Result r = bpftime(all.toArray(String[]::new)).run();
            assertEquals(2, r.code(), r.describe());
            assertTrue(r.err().startsWith("bpftime " + verb + ": "), r.describe());
            assertTrue(r.err().contains("try 'bpftime " + verb + " --help'"), r.describe());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"load", "start"})
    void everyOptionInTheHelpIsTakenByTheLauncherAndNamesItsVariable(String verb) throws Exception {
        Command.Result help = bpftime(verb, "--help").run();
        assertEquals(0, help.code(), help.describe());
        Matcher m = Pattern.compile("(?m)^\\s+(--[a-z-]+)(=\\w+)?\\s").matcher(help.out());
        List<String> options = new ArrayList<>();
        while (m.find()) {
            options.add(m.group(1) + (m.group(2) != null ? " " + m.group(2).substring(1) : ""));
        }
        assertEquals(List.of("--debug", "--idle-exit SECONDS", "--no-jit", "--runtime-dir DIR"), options.stream()
                .filter(o -> !o.startsWith("--help") && !o.startsWith("--version")).sorted().toList(), help.out());
        for (String variable : List.of("BPFTIME_SERVICE_DEBUG", "BPFTIME_SERVICE_IDLE_EXIT", "BPFTIME_NO_JIT",
                "BPFTIME_RUNTIME_DIR")) {
            assertTrue(help.out().replaceAll("\\s+", " ").contains("env " + variable), variable + " in\n" + help.out());
        }
        for (String option : options) {
            List<String> args = new ArrayList<>(List.of("load"));
            args.addAll(List.of(option.replace("SECONDS", "3").replace("DIR", dist.temp().toString()).split(" ")));
            args.addAll(List.of("--", "/bin/true"));
            Command.Result r = bpftime(args.toArray(String[]::new)).run();
            assertEquals(0, r.code(), option + "\n" + r.describe());
        }
    }
}
