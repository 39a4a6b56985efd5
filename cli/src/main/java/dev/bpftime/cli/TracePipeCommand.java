package dev.bpftime.cli;

import dev.bpftime.compat.posix.LibC;
import dev.bpftime.compat.service.RuntimeDir;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bpftime trace-pipe}: prints the bpf_trace_printk lines of this user's traced processes as they
 * come, as {@code cat /sys/kernel/tracing/trace_pipe} does for the kernel's, until interrupted.
 */
@Command(name = "trace-pipe", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        description = {"Print the bpf_trace_printk lines of processes under 'bpftime start' as they come,",
                "as 'cat /sys/kernel/tracing/trace_pipe' does, until interrupted (Ctrl-C)."})
public final class TracePipeCommand implements Callable<Integer> {

    static final String FILE = "trace_pipe";
    private static final long POLL_MS = 50;

    @Option(names = "--runtime-dir", paramLabel = "DIR",
            description = "The runtime folder of the processes to follow (env BPFTIME_RUNTIME_DIR; default as "
                    + "'bpftime load').")
    private Path runtimeDir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path dir = runtimeDir != null ? runtimeDir : RuntimeDir.choose(System.getenv(), LibC.geteuid());
        TracePipe pipe = new TracePipe(dir.resolve(FILE));
        OutputStream out = System.out;
        while (true) {
            if (pipe.poll(out) == 0) {
                Thread.sleep(POLL_MS);
            }
        }
    }
}
