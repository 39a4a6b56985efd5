package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One C test program's case groups, each run three ways: under the shim as the test's user (cached:
 * several tests judge the same transcript), under the shim as nobody, and against the kernel (as
 * root). Owns the {@link ShimHome} and the two runtime directories, one per user, so a suite is
 * a list of group names and the assertions on their transcripts.
 */
public final class CaseGroups implements AutoCloseable {

    private final Path temp;
    private final ShimHome home;
    private final String suite;
    private final String program;
    private final Path rootRun;
    private final Path nobodyRun;
    private final Map<String, Run.Result> shimRuns = new HashMap<>();

    /**
     * @param suite   the name in the compatibility report and the prefix of the runtime directories
     * @param program a program of {@link ShimHome#program}
     */
    public CaseGroups(Path temp, String suite, String program) throws IOException, InterruptedException {
        this.temp = temp;
        this.suite = suite;
        this.program = program;
        this.home = new ShimHome(temp);
        this.rootRun = home.newRuntimeDir(suite + "-as-" + Run.uid());
        this.nobodyRun = home.newRuntimeDir(suite + "-as-nobody");
    }

    public ShimHome home() {
        return home;
    }

    public Path temp() {
        return temp;
    }

    public Path rootRun() {
        return rootRun;
    }

    public Path nobodyRun() {
        return nobodyRun;
    }

    private String[] argv(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(home.program(program).toString());
        argv.addAll(List.of(args));
        return argv.toArray(String[]::new);
    }

    /** The group under the shim as this test's user; run once and remembered. */
    public synchronized Run.Result shim(String... args) throws IOException, InterruptedException {
        String key = String.join(" ", args);
        Run.Result r = shimRuns.get(key);
        if (r == null) {
            r = Run.run(temp, home.env(rootRun), false, argv(args));
            shimRuns.put(key, r);
        }
        return r;
    }

    /** The group under the shim as nobody (skipped unless this process can become nobody). */
    public Run.Result nobody(String... args) throws IOException, InterruptedException {
        Run.assumeNobodyAvailable();
        return Run.run(temp, home.env(nobodyRun), true, argv(args));
    }

    /** The group against the kernel as this test's user, with no shim. */
    public Run.Result kernel(String... args) throws IOException, InterruptedException {
        return Run.run(temp, Map.of(), false, argv(args));
    }

    /** Skips the caller unless the kernel's BPF is usable by this process (root, BPF not disabled). */
    public void assumeKernelOracle() throws IOException, InterruptedException {
        assumeTrue(Run.isRoot(), "the kernel oracle needs root (bpf() is privileged here)");
        Run.Result probe = Run.run(temp, Map.of(), false, home.program("bpf_cases").toString(), "one");
        assumeTrue(probe.out().contains("one.load: ok"), "kernel BPF is not usable here: " + probe.out().trim());
    }

    /**
     * The shim's transcript of a group against the kernel's: equal line for line except the lines
     * {@link KnownDifferences} explains, which are reported; records the comparison in the report.
     */
    public void assertSameAsKernel(String group, Run.Result kernel, Run.Result shim) {
        assertEquals(0, kernel.code(), "the C cases' expectations do not hold on this kernel:\n" + kernel.describe());
        CompatReport.Comparison c = CompatReport.compare(suite, group, kernel.lines(), shim.lines());
        assertEquals(List.of(), c.unexplained().subList(0, Math.min(c.unexplained().size(), 200)),
                c.unexplained().size() + " observations under the shim differ from the kernel's for " + suite + " "
                        + group + " (kernel | shim)");
        assertEquals(List.of(), c.staleExplanations(), "known differences that no longer differ: remove them from "
                + "KnownDifferences");
        System.out.println("differential " + suite + " " + group + ": " + c.compared() + " observations compared, "
                + c.explained().size() + " known differences");
    }

    /**
     * The shim's run met the C cases' own expectations: exit 0 and nothing on stderr, or exit 1 with
     * only "UNEXPECTED name: ..." lines that {@link KnownDifferences} explains.
     */
    public void assertMeetsExpectations(Run.Result r) {
        List<String> unexplained = new ArrayList<>();
        for (String line : r.err().lines().toList()) {
            String name = line.startsWith("UNEXPECTED ") ? line.substring(11, Math.max(11, line.indexOf(':'))) : null;
            if (name == null || !KnownDifferences.explains(suite, name)) {
                unexplained.add(line);
            }
        }
        assertEquals(List.of(), unexplained, "stderr lines no known difference explains:\n" + r.describe());
        assertEquals(r.err().isEmpty() ? 0 : 1, r.code(), r.describe());
    }

    /** The transcript as nobody equals the one as this test's user (exit status and stderr too). */
    public void assertSameAsRoot(Run.Result asUser, Run.Result asNobody) {
        assertMeetsExpectations(asUser);
        assertEquals(asUser.code(), asNobody.code(), asNobody.describe());
        assertEquals(asUser.err(), asNobody.err(), asNobody.describe());
        assertEquals(String.join("\n", asUser.lines()), String.join("\n", asNobody.lines()),
                "transcript as nobody vs as " + uid());
    }

    private static int uid() {
        try {
            return Run.uid();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        home.close();
    }
}
