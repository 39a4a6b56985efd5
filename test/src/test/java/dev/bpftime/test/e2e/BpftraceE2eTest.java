package dev.bpftime.test.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's bpftrace 0.17 as nobody on the same workloads as on the kernel as root; its output compared
 * line by line. bpftrace refuses any euid but 0 ("bpftrace currently only supports running as the root
 * user."), so the bpftime side runs it in an unprivileged user namespace ({@code unshare -r}): euid 0
 * there, no privilege outside it (the kernel still refuses BPF to that namespace). The service is
 * started first, outside the namespace: a service the shim would start from inside it could not read
 * the memory of clients in other namespaces (the workload's, a later bpftrace's).
 *
 * <p>Ignored, as legitimately different: the order of a map's entries of equal value (bpftrace sorts
 * by value; ties come in hash order, which is each map's own), and stderr's RLIMIT_MEMLOCK line (raising
 * the hard limit needs CAP_SYS_RESOURCE, which root may have and the namespace never has).
 */
class BpftraceE2eTest {

    static final String BPFTRACE = "/usr/bin/bpftrace";
    private static final String UNSHARE = "/usr/bin/unshare";
    /** bpftrace runs BEGIN once every probe is attached: its line says the tool is ready. */
    private static final String BEGIN = "BEGIN { printf(\"attached\\n\"); }\n";
    private static final String ATTACHED = "attached";
    private static final String MEMLOCK = "couldn't set RLIMIT_MEMLOCK";
    private static final int N = 200;

    @TempDir
    private Path tmp;

    @Test
    void uprobeCountAndUretprobeHistogramAsOnTheKernel() throws Exception {
        try (E2e e2e = open()) {
            Path binary = e2e.workloadBinary("call_gated");
            String script = "uprobe:" + binary + ":gated_target { @[arg0 % 4] = count(); }\n"
                    + "uretprobe:" + binary + ":gated_target { @h = hist(retval); @n = count(); @s = sum(retval); }\n";
            Output kernel = traced(e2e, Side.KERNEL, "call_gated", List.of(Integer.toString(N)), script);
            Output ours = traced(e2e, Side.BPFTIME, "call_gated", List.of(Integer.toString(N)), script);
            // gated_target(i) returns 7i+1 for i < N: each count and the sum are known.
            assertTrue(kernel.out().contains("@n: " + N), kernel.out().toString());
            assertTrue(kernel.out().contains("@s: " + (7L * N * (N - 1) / 2 + N)), kernel.out().toString());
            assertEquals(sortedEntries(kernel.out()), sortedEntries(ours.out()), "bpftrace under bpftime vs on the kernel");
            assertEquals(kernel.err(), ours.err(), "stderr");
        }
    }

    @Test
    void syscallTracepointPrintfWithStrAsOnTheKernel() throws Exception {
        try (E2e e2e = open()) {
            Path scratch = e2e.nobodysFolder("scratch");
            List<String> specs = List.of("r:/etc/passwd", "r:" + tmp.resolve("no/such/file"), "d:/etc",
                    "w:" + scratch.resolve("written"));
            // The pid filter is the workload's own, so it is put in after the workload started.
            String script = "tracepoint:syscalls:sys_enter_openat /pid == PID/ "
                    + "{ printf(\"%s %o %s\\n\", comm, args->flags, str(args->filename)); }";
            Output kernel = traced(e2e, Side.KERNEL, "open_gated", specs, script);
            Output ours = traced(e2e, Side.BPFTIME, "open_gated", specs, script);
            List<String> expected = List.of("open_gated 2000000 /etc/passwd", "open_gated 2000000 " + tmp.resolve(
                    "no/such/file"), "open_gated 2200000 /etc", "open_gated 2001101 " + scratch.resolve("written"));
            assertEquals(expected, kernel.out(), "kernel");
            assertEquals(kernel.out(), ours.out(), "bpftrace under bpftime vs on the kernel");
            assertEquals(kernel.err(), ours.err(), "stderr");
        }
    }

    @Test
    void usdtProbesWithAndWithoutSemaphoreAsOnTheKernel() throws Exception {
        try (E2e e2e = open()) {
            Path binary = e2e.workloadBinary("usdt_gated");
            // e2e:plain(i, 3i) fires N times; e2e:guarded(i, 5i) only while the attachment raises its semaphore.
            String script = "usdt:" + binary + ":e2e:plain { @plain = count(); @plain_i = sum(arg0); @plain_3i = sum(arg1); }\n"
                    + "usdt:" + binary + ":e2e:guarded { @guarded = count(); @guarded_5i = sum(arg1); }\n";
            Output kernel = traced(e2e, Side.KERNEL, "usdt_gated", List.of(Integer.toString(N)), script);
            Output ours = traced(e2e, Side.BPFTIME, "usdt_gated", List.of(Integer.toString(N)), script);
            long sum = (long) N * (N - 1) / 2;
            assertEquals(List.of("@guarded: " + N, "@guarded_5i: " + 5 * sum, "@plain: " + N, "@plain_3i: " + 3 * sum,
                    "@plain_i: " + sum), kernel.out(), "kernel");
            assertEquals(kernel.out(), ours.out(), "bpftrace under bpftime vs on the kernel");
            assertEquals(kernel.err(), ours.err(), "stderr");
        }
    }

    /**
     * A kprobe cannot run in userspace: bpftrace must fail as on a kernel without kprobe support, with the
     * same messages and exit status. The one difference allowed is the tracefs path bcc names: it prefers
     * /sys/kernel/debug/tracing when that exists, which the emulation always offers and this host may not.
     */
    @Test
    void kprobeFailsAsOnAKernelWithoutKprobes() throws Exception {
        assumeTrue(!Files.exists(Path.of("/sys/bus/event_source/devices/kprobe")),
                "this kernel has the kprobe PMU: bpftrace attaches kprobes there, which bpftime cannot");
        try (E2e e2e = open()) {
            String script = "kprobe:do_nanosleep { @ = count(); }";
            List<String> kernel = failure(e2e, Side.KERNEL, script);
            assertTrue(kernel.stream().anyMatch(l -> l.startsWith("ERROR: Error attaching probe")), kernel.toString());
            assertEquals(kernel, failure(e2e, Side.BPFTIME, script));
        }
    }

    @Test
    void listingsAsOnTheKernel() throws Exception {
        try (E2e e2e = open()) {
            Path binary = e2e.workloadBinary("usdt_gated");
            for (String pattern : List.of("tracepoint:syscalls:*", "uprobe:" + binary + ":*", "usdt:" + binary + ":*")) {
                List<String> kernel = listing(e2e, Side.KERNEL, pattern);
                assertTrue(kernel.size() > 1, pattern + ": " + kernel);
                assertEquals(kernel, listing(e2e, Side.BPFTIME, pattern), "bpftrace -l '" + pattern + "'");
            }
        }
    }

    /** bpftrace's stdout after BEGIN's line, empty lines left out, and its stderr but the RLIMIT_MEMLOCK line. */
    record Output(List<String> out, List<String> err) {
    }

    private E2e open() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(BPFTRACE)), "needs " + BPFTRACE + " (Debian package bpftrace)");
        assumeTrue(Files.isExecutable(Path.of(UNSHARE)), "needs " + UNSHARE + " (Debian package util-linux)");
        return E2e.open(tmp);
    }

    private Output traced(E2e e2e, Side side, String workloadName, List<String> args, String script) throws Exception {
        try (Running workload = e2e.workload(side, workloadName, args.toArray(String[]::new));
                Running tool = bpftrace(e2e, side, "-e",
                        BEGIN + script.replace("PID", Long.toString(workload.pid())))) {
            e2e.toolReady(side, tool, ATTACHED, workload.pid());
            E2e.go(workload);
            Thread.sleep(300); // printf's records reach bpftrace through the perf buffer
            E2e.interrupt(tool);
            E2e.finish(workload);
            List<String> out = tool.outLines();
            return new Output(out.subList(out.indexOf(ATTACHED) + 1, out.size()).stream().filter(l -> !l.isEmpty())
                    .toList(), errors(tool));
        }
    }

    /**
     * bpftrace --info runs every feature probe: helpers, map types, program types, BTF, loops, batch
     * calls. Each answers as on the kernel but one: perf_event programs (bpftrace's profile and interval
     * probes) cannot run in userspace, so PROG_LOAD refuses their type as the kernel refuses one it
     * lacks, and bpftrace reports "perf_event: no".
     */
    @Test
    void featureProbesAsOnTheKernelButPerfEventPrograms() throws Exception {
        try (E2e e2e = open()) {
            List<String> kernel = info(e2e, Side.KERNEL);
            assertTrue(kernel.contains("  perf_event: yes"), "the kernel runs perf_event programs: " + kernel);
            List<String> expected = kernel.stream().map(l -> l.equals("  perf_event: yes") ? "  perf_event: no" : l)
                    .toList();
            assertEquals(expected, info(e2e, Side.BPFTIME), "bpftrace --info under bpftime vs on the kernel");
        }
    }

    private static List<String> info(E2e e2e, Side side) throws Exception {
        try (Running tool = bpftrace(e2e, side, "--info")) {
            assertEquals(0, tool.awaitExit(E2e.START), tool.describe());
            return errors(tool); // bpftrace prints --info on stderr
        }
    }

    /** Exit status and stderr of a bpftrace run that must fail. */
    private static List<String> failure(E2e e2e, Side side, String script) throws Exception {
        try (Running tool = bpftrace(e2e, side, "-e", script)) {
            int status = tool.awaitExit(E2e.START);
            List<String> lines = new ArrayList<>(List.of("exit " + status));
            errors(tool).forEach(l -> lines.add(l.replace("/sys/kernel/debug/tracing/", "/sys/kernel/tracing/")));
            return lines;
        }
    }

    private List<String> listing(E2e e2e, Side side, String pattern) throws Exception {
        try (Running tool = bpftrace(e2e, side, "-l", pattern)) {
            assertEquals(0, tool.awaitExit(E2e.START), tool.describe());
            assertEquals(List.of(), errors(tool), tool.describe());
            return tool.outLines();
        }
    }

    /**
     * bpftrace as root on the KERNEL side; on the BPFTIME side as nobody in a user namespace of its own
     * under {@code bpftime load}, with this world's service started first, outside the namespace.
     */
    private static Running bpftrace(E2e e2e, Side side, String... args) throws Exception {
        List<String> argv = new ArrayList<>();
        if (side == Side.BPFTIME) {
            e2e.assumeAgent();
            startService(e2e);
            argv.addAll(E2e.asNobody());
            argv.addAll(List.of(UNSHARE, "-r"));
        }
        argv.addAll(List.of(E2e.STDBUF, "-oL"));
        if (side == Side.BPFTIME) {
            argv.addAll(List.of(e2e.home().resolve("bin/bpftime").toString(), "load", "--runtime-dir",
                    e2e.runtimeDir().toString(), "--"));
        }
        argv.add(BPFTRACE);
        argv.addAll(List.of(args));
        return e2e.start("bpftrace@" + side, argv);
    }

    private static void startService(E2e e2e) throws Exception {
        Path socket = e2e.runtimeDir().resolve("service.sock");
        if (e2e.servicePid() > 0 && ProcessHandle.of(e2e.servicePid()).map(ProcessHandle::isAlive).orElse(false)) {
            return;
        }
        List<String> argv = E2e.asNobody();
        argv.addAll(List.of(e2e.home().resolve("bin/bpftime").toString(), "service", "--runtime-dir",
                e2e.runtimeDir().toString(), "--idle-exit", "30"));
        Running service = e2e.start("service", argv);
        long deadline = System.nanoTime() + E2e.START.toNanos();
        while (!Files.exists(socket) || e2e.servicePid() <= 0) {
            assertTrue(service.isAlive() && System.nanoTime() < deadline, "the service did not start\n"
                    + service.describe());
            Thread.sleep(20);
        }
    }

    private static List<String> errors(Running tool) {
        return tool.err().lines().filter(l -> !l.contains(MEMLOCK)).toList();
    }

    /** Map entries sorted (ties of equal value come in each map's hash order), histogram lines kept in place. */
    private static List<String> sortedEntries(List<String> lines) {
        List<String> entries = new ArrayList<>(lines.stream().filter(l -> l.matches("@\\[.*\\]: \\d+")).sorted().toList());
        entries.addAll(lines.stream().filter(l -> !l.matches("@\\[.*\\]: \\d+")).toList());
        return entries;
    }
}
