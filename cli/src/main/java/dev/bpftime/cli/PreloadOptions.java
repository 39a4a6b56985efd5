package dev.bpftime.cli;

import picocli.CommandLine.Option;

/**
 * The options of {@code bpftime load} and {@code bpftime start}. bin/bpftime parses them itself (the
 * command is exec'd in place, without a JVM); these declarations are their help text and must list the
 * same options. Each sets an environment variable of the command, its twin, which may be set instead.
 */
final class PreloadOptions {

    @Option(names = "--runtime-dir", paramLabel = "DIR",
            description = "Where the service's socket and logs live, where loaders and targets meet "
                    + "(env BPFTIME_RUNTIME_DIR; default $XDG_RUNTIME_DIR/bpftime, else /tmp/bpftime-UID).")
    String runtimeDir;

    @Option(names = "--no-jit",
            description = "Run programs on the interpreter instead of the JIT image (env BPFTIME_NO_JIT=1).")
    boolean noJit;

    @Option(names = "--debug",
            description = "A service started by this command logs every refused call to "
                    + "<runtime dir>/service.log (env BPFTIME_SERVICE_DEBUG=1).")
    boolean debug;

    @Option(names = "--idle-exit", paramLabel = "SECONDS",
            description = "A service started by this command stops after SECONDS without clients or "
                    + "objects (env BPFTIME_SERVICE_IDLE_EXIT; default 300, 0: never).")
    Long idleExit;

    /** A JVM cannot replace itself with the command: only the launcher can run these. */
    static CliException notThroughLauncher(String verb) {
        return new CliException(verb + " is run by bin/bpftime, which execs the command in place; this JVM was"
                + " not started by it (run <bpftime home>/bin/bpftime " + verb + " ...)");
    }
}
