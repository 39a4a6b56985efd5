package dev.bpftime.cli;

import dev.bpftime.compat.ServiceMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code bpftime service}: this user's service, which answers the bpf() calls the shim
 * (libbpftime-syscall.so) forwards. The shim starts it by itself; it can also be run by hand.
 * Its options belong to {@link ServiceMain}, so they are passed on untouched.
 */
@Command(name = "service", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        description = {"Run this user's bpftime service in the foreground: it answers the bpf() calls that",
                "LD_PRELOAD=libbpftime-syscall.so forwards (the shim starts it when none runs).",
                "Options: [--runtime-dir DIR] [--idle-exit SECONDS] [--debug]; see docs/PROTOCOL.md."})
public final class ServiceCommand implements Callable<Integer> {

    // Mutable: picocli adds the unmatched arguments to this list (List.of() threw on `--runtime-dir DIR`).
    @Unmatched
    private List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return ServiceMain.run(System.err, args.toArray(String[]::new));
    }
}
