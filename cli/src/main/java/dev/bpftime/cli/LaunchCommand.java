package dev.bpftime.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Parameters;

/**
 * {@code bpftime load} and {@code bpftime start}: bin/bpftime runs them, exec'ing CMD in place with a
 * library preloaded, without a JVM; these classes hold their help text. Their options are the lines of
 * {@link LaunchOptions}, added by {@link Main}.
 */
abstract class LaunchCommand implements Callable<Integer> {

    /** What both commands' descriptions say of CMD. */
    static final String IN_PLACE = "CMD replaces bpftime (signals reach it, its exit status is bpftime's); an "
            + "LD_PRELOAD already set is kept, after ours.";

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "The command and its arguments.")
    private List<String> command;

    abstract String verb();

    /** A JVM cannot replace itself with the command: only the launcher can run these. */
    @Override
    public Integer call() {
        throw new CliException(verb() + " is run by bin/bpftime, which execs the command in place; this JVM was"
                + " not started by it (run <bpftime home>/bin/bpftime " + verb() + " ...)");
    }
}
