package dev.bpftime.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code bpftime} command. Each subcommand is its own class, listed in {@code subcommands}.
 *
 * <p>Exit codes: 0 success, 1 the command failed ({@link CliException}: one line on stderr,
 * "bpftime: message"), 2 the command line is wrong (message and a hint on stderr).
 */
@Command(name = "bpftime",
        mixinStandardHelpOptions = true,
        versionProvider = BuildInfo.class,
        description = "A userspace eBPF runtime.",
        subcommands = {VersionCommand.class, DecodeCommand.class, DisasmCommand.class, ConformanceCommand.class,
                ServiceCommand.class, LoadCommand.class, StartCommand.class, TracePipeCommand.class})
public final class Main implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing command: one of " + String.join(", ", spec.subcommands().keySet()));
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("service") && !asksForHelp(args)) {
            // The shim starts `bpftime service` when an app's first bpf() finds none running, and the
            // app waits for it: skip building picocli's model of every command (tens of ms of class
            // loading and reflection at start-up). ServiceMain parses its own options.
            System.exit(dev.bpftime.compat.ServiceMain.run(System.err,
                    java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code;
        try {
            code = run(out, err, args);
        } finally {
            out.flush();
        }
        System.exit(code);
    }

    private static boolean asksForHelp(String[] args) {
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
                return true;
            }
        }
        return false;
    }

    /** Runs one command line, writing to {@code out} and {@code err}; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        LaunchOptions launch = LaunchOptions.load();
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommand() instanceof LaunchCommand) {
                launch.addTo(sub.getCommandSpec());
            }
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler(Main::commandError);
        return cl.execute(args);
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String message = e.getMessage();
        // picocli's own messages start with "Error: "; "bpftime: " says it already.
        err.println("bpftime: " + (message.startsWith("Error: ") ? message.substring(7) : message));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("try '" + cl.getCommandSpec().qualifiedName() + " --help'");
        return EXIT_USAGE;
    }

    private static int commandError(Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof CliException) {
            err.println("bpftime: " + e.getMessage());
        } else {
            // Not the user's mistake but ours: the trace is what a bug report needs.
            err.println("bpftime: internal error, please report it with this trace:");
            e.printStackTrace(err);
        }
        err.flush();
        return EXIT_FAILED;
    }
}
