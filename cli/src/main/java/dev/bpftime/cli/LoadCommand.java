package dev.bpftime.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code bpftime load [OPTIONS] -- CMD...}: runs a loader (a libbpf tool) with the shim preloaded. Done by
 * bin/bpftime, which execs CMD in place; this class holds the help text.
 */
@Command(name = "load", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        customSynopsis = "bpftime load [OPTIONS] [--] CMD [ARG...]",
        description = {"Run a libbpf tool with the shim: no root, no kernel BPF needed.",
                "",
                "CMD runs with LD_PRELOAD=<home>/lib/libbpftime-syscall.so: its bpf() calls go to this user's "
                        + "bpftime service (started when none runs). CMD replaces bpftime (signals reach it, its exit "
                        + "status is bpftime's); an LD_PRELOAD already set is kept, after ours. The programs it "
                        + "attaches run in the processes started with 'bpftime start'.",
                ""})
public final class LoadCommand implements Callable<Integer> {

    @Mixin
    private PreloadOptions options;

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "The command and its arguments.")
    private List<String> command;

    @Override
    public Integer call() {
        throw PreloadOptions.notThroughLauncher("load");
    }
}
