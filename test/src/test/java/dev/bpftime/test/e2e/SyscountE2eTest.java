package dev.bpftime.test.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's syscount -p PID (raw_syscalls sys_enter/sys_exit, counted at exit) on the open_gated workload:
 * per-syscall counts equal to the kernel's. Ignored: the time line printed at exit, and rt_sigtimedwait,
 * the gate's wait, which is in flight when the tool attaches: the kernel counts its exit, and whether a
 * syscall entered before the hooks were installed is seen leaving is not part of the contract.
 */
class SyscountE2eTest {

    static final String SYSCOUNT = "/usr/sbin/syscount";
    private static final Pattern COUNT = Pattern.compile("(\\w+)\\s+(\\d+)");
    private static final String IN_FLIGHT_AT_ATTACH = "rt_sigtimedwait";
    private static final int GETPPIDS = 200;

    @TempDir
    private Path tmp;

    @Test
    void perSyscallCountsOfTheWorkloadEqualTheKernels() throws Exception {
        try (E2e e2e = E2e.open(tmp, SYSCOUNT)) {
            Path scratch = e2e.nobodysFolder("scratch");
            String[] args = {"-r", "5", "-g", Integer.toString(GETPPIDS), "r:/etc/passwd", "r:" + tmp.resolve("none"),
                "w:" + scratch.resolve("out"), "o:/etc/hostname"};
            Map<String, Long> kernel = run(e2e, Side.KERNEL, args);
            assertEquals(5L * GETPPIDS, kernel.get("getppid"), "the kernel counted the workload's getppid: " + kernel);
            Map<String, Long> ours = run(e2e, Side.BPFTIME, args);
            assertEquals(kernel, ours, "syscount under bpftime vs on the kernel, same workload");
        }
    }

    private static Map<String, Long> run(E2e e2e, Side side, String... args) throws Exception {
        try (Running workload = e2e.workload(side, "open_gated", args);
                Running tool = e2e.tool(side, SYSCOUNT, "-T", "500", "-p", Long.toString(workload.pid()))) {
            e2e.toolReady(side, tool, "Tracing syscalls, printing top 500\\.\\.\\. Ctrl\\+C to quit\\.", workload.pid());
            E2e.go(workload);
            Thread.sleep(200); // the last syscall's exit
            E2e.interrupt(tool);
            E2e.finish(workload);
            return counts(tool);
        }
    }

    /** The SYSCALL COUNT table printed at SIGINT, without the in-flight wait. */
    private static Map<String, Long> counts(Running tool) {
        Map<String, Long> counts = new TreeMap<>();
        boolean table = false;
        for (String line : tool.outLines()) {
            String l = line.strip();
            if (l.matches("SYSCALL\\s+COUNT")) {
                table = true;
            } else if (table && !l.isEmpty()) {
                Matcher m = COUNT.matcher(l);
                assertTrue(m.matches(), "not a count line: '" + l + "'\n" + tool.describe());
                counts.put(m.group(1), Long.parseLong(m.group(2)));
            }
        }
        assertTrue(table, "no SYSCALL COUNT table\n" + tool.describe());
        counts.remove(IN_FLIGHT_AT_ATTACH);
        return counts;
    }
}
