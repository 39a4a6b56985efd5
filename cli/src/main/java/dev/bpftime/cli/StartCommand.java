package dev.bpftime.cli;

import picocli.CommandLine.Command;

/** {@code bpftime start [OPTIONS] -- CMD...}: runs a target with the agent preloaded. */
@Command(name = "start", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        customSynopsis = "bpftime start [OPTIONS] [--] CMD [ARG...]",
        description = {"Run a command under the agent, so that loaded programs trace it.",
                "",
                "CMD runs with LD_PRELOAD=<home>/lib/libbpftime-agent.so: the programs that 'bpftime load' "
                        + "sessions of this user attach run inside it, and in its children that keep the preload. "
                        + LaunchCommand.IN_PLACE,
                ""})
public final class StartCommand extends LaunchCommand {

    @Override
    String verb() {
        return "start";
    }
}
