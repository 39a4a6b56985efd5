package dev.bpftime.cli;

import picocli.CommandLine.Command;

/** {@code bpftime load [OPTIONS] -- CMD...}: runs a loader (a libbpf tool) with the shim preloaded. */
@Command(name = "load", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        customSynopsis = "bpftime load [OPTIONS] [--] CMD [ARG...]",
        description = {"Run a libbpf tool with the shim: no root, no kernel BPF needed.",
                "",
                "CMD runs with LD_PRELOAD=<home>/lib/libbpftime-syscall.so: its bpf() calls go to this user's "
                        + "bpftime service (started when none runs). " + LaunchCommand.IN_PLACE + " The programs it "
                        + "attaches run in the processes started with 'bpftime start'.",
                ""})
public final class LoadCommand extends LaunchCommand {

    @Override
    String verb() {
        return "load";
    }
}
