package dev.bpftime.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code bpftime start [OPTIONS] -- CMD...}: runs a target with the agent preloaded. Done by bin/bpftime,
 * which execs CMD in place; this class holds the help text.
 */
@Command(name = "start", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        customSynopsis = "bpftime start [OPTIONS] [--] CMD [ARG...]",
        description = {"Run a command under the agent, so that loaded programs trace it.",
                "",
                "CMD runs with LD_PRELOAD=<home>/lib/libbpftime-agent.so: the programs that 'bpftime load' "
                        + "sessions of this user attach run inside it, and in its children that keep the preload. "
                        + "CMD replaces bpftime (signals reach it, its exit status is bpftime's); an LD_PRELOAD "
                        + "already set is kept, after ours.",
                ""})
public final class StartCommand implements Callable<Integer> {

    @Mixin
    private PreloadOptions options;

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "The command and its arguments.")
    private List<String> command;

    @Override
    public Integer call() {
        throw PreloadOptions.notThroughLauncher("start");
    }
}
