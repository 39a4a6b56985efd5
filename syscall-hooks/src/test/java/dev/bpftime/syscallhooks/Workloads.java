package dev.bpftime.syscallhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs a workload under the test preload and returns its log. */
final class Workloads {
    static final int ENOSYS = 38;

    /** How the hooks run: sites rewritten where possible, or Syscall User Dispatch alone. */
    enum Mode {
        REWRITE, FALLBACK,
        /** Rewritten sites, callbacks flagged BPFTIME_SH_CALLBACKS_PURE (called without bookkeeping). */
        PURE,
        /** The same without on_exit: enter events only, on the entry's fast path when it is open. */
        PURE_ENTER,
        /** Every number routed to a direct function (enter events only), getpid to nobody. */
        DIRECT
    }

    record Result(ProcessRun run, RecordedTrace trace, List<RecorderLog.Event> events, Path dir) {}

    private Workloads() {}

    private static final List<Path> SCRATCH = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> SCRATCH.forEach(Workloads::deleteTree)));
    }

    /** A directory for one run's logs, removed when the test JVM exits. */
    static synchronized Path scratch(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        SCRATCH.add(dir);
        return dir;
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover temporary directory is harmless
        }
    }

    static Map<String, String> env(Path log, Mode mode, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("LD_PRELOAD", NativeBuild.preload().toAbsolutePath().toString());
        env.put("BPFTIME_SH_TEST_LOG", log.toString());
        if (mode == Mode.FALLBACK) {
            env.put("BPFTIME_SH_TEST_MODE", "fallback");
        } else if (mode == Mode.PURE) {
            env.put("BPFTIME_SH_TEST_MODE", "pure");
        } else if (mode == Mode.PURE_ENTER) {
            env.put("BPFTIME_SH_TEST_MODE", "pure_enter");
        } else if (mode == Mode.DIRECT) {
            env.put("BPFTIME_SH_TEST_MODE", "direct");
        }
        if (hasAvx2()) {
            env.put("BPFTIME_SH_TEST_CLOBBER", "1");
        }
        env.putAll(extra);
        return env;
    }

    static Result run(String workload, Mode mode, Map<String, String> extra, String... args) throws IOException {
        return run(workload, mode, extra, null, args);
    }

    /** With straceOutput, the workload runs under strace, which alone is not preloaded. */
    static Result run(String workload, Mode mode, Map<String, String> extra, Path straceOutput, String... args)
            throws IOException {
        Path dir = scratch("sh-" + workload);
        Path log = RecorderLog.create(dir, 1 << 18);
        Map<String, String> env = env(log, mode, extra);
        List<String> cmd = new ArrayList<>();
        if (straceOutput != null) {
            cmd.addAll(List.of("strace", "-ff", "-n", "-e", "raw=all", "-qq", "-o", straceOutput.toString()));
            env.forEach((k, v) -> cmd.addAll(List.of("-E", k + "=" + v)));
            env = Map.of();
        }
        cmd.add(NativeBuild.program(workload).toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        ProcessRun run = ProcessRun.run(cmd, env);
        List<RecorderLog.Event> events = RecorderLog.read(log);
        assertFalse(events.isEmpty(), "the preload recorded nothing: " + run.describe());
        RecorderLog.Event install = events.get(0);
        assertEquals(RecorderLog.INSTALL, install.kind(), "first record is the installation");
        assumeTrue(install.nr() != -ENOSYS, "this kernel has no Syscall User Dispatch (Linux 5.11+)");
        for (RecorderLog.Event e : events) {
            if (e.kind() == RecorderLog.INSTALL) {
                assertEquals(0, e.nr(), "bpftime_syscall_hooks_install result in tid " + e.tid());
            }
        }
        return new Result(run, new RecordedTrace(events), events, dir);
    }

    static boolean hasAvx2() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo")).contains(" avx2");
        } catch (IOException e) {
            return false;
        }
    }

    static boolean hasStrace() {
        return Files.isExecutable(Path.of("/usr/bin/strace"));
    }

    /** The workload's own verdict: exit 0, its one line on stdout, nothing on stderr. */
    static void assertClean(ProcessRun run, String expectedStdout) {
        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(expectedStdout, run.stdout(), "stdout: " + run.describe());
        assertEquals("", run.stderr(), "stderr: " + run.describe());
    }

    /**
     * None of the hooks' own syscalls (SUD on/off, the SIGSYS guard's process_vm_readv, the
     * recorder's gettid when the workload makes none) reached the callbacks.
     */
    static void assertNoRuntimeSyscalls(RecordedTrace trace, boolean workloadCallsGettid) {
        trace.byTid.forEach((tid, list) -> list.forEach(s -> assertTrue(!Differential.isRuntimeOwn(s)
                || s.nr() == 39 /* getpid: every workload calls it itself */
                || (s.nr() == 186 && workloadCallsGettid),
                "tid " + tid + ": the hooks reported a syscall of their own: " + s)));
    }
}
