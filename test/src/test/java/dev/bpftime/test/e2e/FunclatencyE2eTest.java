package dev.bpftime.test.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's funclatency -p PID (uprobe + uretprobe, a log2 histogram) on a libc function (c:getppid, a
 * few instructions with no frame) and on the workload's own function (:gated_target): the histogram's
 * counts add up to the calls made, on the kernel and under bpftime. Ignored: how the counts spread over
 * the buckets, which are latencies (the point of bpftime is that they differ).
 */
class FunclatencyE2eTest {

    static final String FUNCLATENCY = "/usr/sbin/funclatency";
    private static final Pattern BUCKET = Pattern.compile("\\s*\\d+ -> \\d+\\s*: (\\d+)\\s+\\|.*");
    private static final int CALLS = 2000;

    @TempDir
    private Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"c:getppid", ":gated_target"})
    void histogramCountsEqualTheCalls(String function) throws Exception {
        try (E2e e2e = E2e.open(tmp, FUNCLATENCY)) {
            assertEquals(CALLS, run(e2e, Side.KERNEL, "call_gated", function, Integer.toString(CALLS)), "kernel");
            assertEquals(CALLS, run(e2e, Side.BPFTIME, "call_gated", function, Integer.toString(CALLS)), "bpftime");
        }
    }

    /** Runs funclatency on FUNCTION of the gated workload; returns the sum of its histogram's counts. */
    static long run(E2e e2e, Side side, String workloadName, String function, String... args) throws Exception {
        try (Running workload = e2e.workload(side, workloadName, args);
                Running tool = e2e.tool(side, FUNCLATENCY, "-p", Long.toString(workload.pid()), function)) {
            e2e.toolReady(side, tool, "Tracing " + Pattern.quote(function) + "\\.\\s+Hit Ctrl-C to exit", workload.pid());
            E2e.go(workload);
            E2e.interrupt(tool);
            E2e.finish(workload);
            return histogramCount(tool);
        }
    }

    static long histogramCount(Running tool) {
        long sum = 0;
        int buckets = 0;
        for (String line : tool.outLines()) {
            Matcher m = BUCKET.matcher(line);
            if (m.matches()) {
                sum += Long.parseLong(m.group(1));
                buckets++;
            }
        }
        assertTrue(buckets > 0, "no histogram\n" + tool.describe());
        return sum;
    }
}
