package dev.bpftime.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bpftime version}: what runs, on which Java and OS, from where. */
@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        description = "Print the version of bpftime, the Java and OS it runs on, and its home.")
public final class VersionCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("bpftime " + BuildInfo.version());
        out.println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name")
                + ", " + System.getProperty("java.home") + ")");
        out.println("os " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        String home = BuildInfo.home();
        out.println("home " + (home != null ? home : "(unknown: not started by bin/bpftime)"));
        return Main.EXIT_OK;
    }
}
