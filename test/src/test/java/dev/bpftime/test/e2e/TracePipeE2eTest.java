package dev.bpftime.test.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bpf_trace_printk at a uprobe (fixtures/src/e2e/printk.bpf.c): the kernel's lines and bpftime's, read with
 * `bpftime trace-pipe`, are the same line for line. Compared: the task name and the message, and each
 * side's thread id must be its workload's. Ignored: the CPU, the latency flags and the timestamp; lines
 * of other processes (the kernel's buffer is the whole machine's). The kernel side reads a tracing
 * instance of its own with the bpf_trace_printk event enabled, because a read of the top-level
 * trace_pipe consumes what it reads and another process (another test) may be reading it too.
 */
class TracePipeE2eTest {

    private static final Path INSTANCES = Path.of("/sys/kernel/tracing/instances");
    /** trace_print_context: comm right-aligned in 16, "-", tid, "[CPU]", flags, time, then the event. */
    private static final Pattern LINE = Pattern.compile(
            "\\s*(.{1,16})-(\\d+)\\s+\\[\\d+\\]\\s+\\S+\\s+[\\d.]+: bpf_trace_printk: (.*)");
    private static final int CALLS = 5;

    record Printk(String comm, long tid, String message) {
    }

    @TempDir
    private Path tmp;

    @Test
    void printkLinesReachTracePipeAsOnTheKernel() throws Exception {
        try (E2e e2e = E2e.open(tmp)) {
            assumeTrue(Files.isDirectory(INSTANCES), "needs " + INSTANCES + " (tracefs) for the kernel side");
            List<String> expected = IntStream.range(0, CALLS).mapToObj(i -> "gated_target(" + i + ")").toList();
            Path instance = INSTANCES.resolve("bpftime-e2e-" + ProcessHandle.current().pid());
            Files.createDirectory(instance);
            List<Printk> kernel;
            try {
                Files.writeString(instance.resolve("events/bpf_trace/bpf_trace_printk/enable"), "1");
                kernel = run(e2e, Side.KERNEL, instance.resolve("trace_pipe"));
            } finally {
                Files.delete(instance);
            }
            assertEquals(expected, kernel.stream().map(Printk::message).toList(), "kernel");
            List<Printk> ours = run(e2e, Side.BPFTIME, null);
            // The kernel prints "<...>" for a pid missing from its saved_cmdlines cache (trace_find_cmdline in
            // kernel/trace/trace.c), which a fresh instance may not have recorded yet: that line says nothing
            // of the comm, so ours is compared with it only where the kernel knew the comm.
            List<Printk> oursSeen = IntStream.range(0, ours.size())
                    .mapToObj(i -> new Printk(i < kernel.size() && kernel.get(i).comm().equals("<...>") ? "<...>"
                            : ours.get(i).comm(), 0, ours.get(i).message()))
                    .toList();
            assertEquals(kernel.stream().map(p -> new Printk(p.comm(), 0, p.message())).toList(), oursSeen,
                    "bpftime vs kernel");
            assertTrue(ours.stream().allMatch(p -> p.comm().equals("call_gated")), "our comm: " + ours);
        }
    }

    private static List<Printk> run(E2e e2e, Side side, Path kernelPipe) throws Exception {
        Path binary = e2e.workloadBinary("call_gated");
        try (Running workload = e2e.workload(side, "call_gated", Integer.toString(CALLS));
                Running pipe = side == Side.KERNEL ? e2e.start("trace_pipe", List.of("cat", kernelPipe.toString()))
                        : e2e.start("trace-pipe", bpftimeTracePipe(e2e));
                Running tool = e2e.tool(side, e2e.e2eFile("uprobe_attach").toString(),
                        e2e.e2eFile("printk.bpf.o").toString(), "say", Long.toString(workload.pid()), binary.toString(),
                        "gated_target")) {
            e2e.toolReady(side, tool, "attached", workload.pid());
            E2e.go(workload);
            pipe.awaitOutputQuietly(Duration.ofSeconds(10), out -> lines(out, workload.pid()).size() >= CALLS);
            E2e.interrupt(tool);
            E2e.finish(workload);
            List<Printk> lines = lines(pipe.out(), workload.pid());
            lines.forEach(p -> assertEquals(workload.pid(), p.tid(), "a single-threaded workload: " + p));
            return lines;
        }
    }

    /** As the user runs it: nobody, as the loader and the workload. */
    private static List<String> bpftimeTracePipe(E2e e2e) {
        List<String> argv = E2e.asNobody();
        argv.addAll(List.of(e2e.home().resolve("bin/bpftime").toString(), "trace-pipe", "--runtime-dir",
                e2e.runtimeDir().toString()));
        return argv;
    }

    private static List<Printk> lines(String out, long pid) {
        List<Printk> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            Matcher m = LINE.matcher(l);
            if (m.matches() && Long.parseLong(m.group(2)) == pid) {
                lines.add(new Printk(m.group(1).strip(), Long.parseLong(m.group(2)), m.group(3)));
            }
        }
        return lines;
    }
}
