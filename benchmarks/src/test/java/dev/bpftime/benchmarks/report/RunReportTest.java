package dev.bpftime.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunReportTest {

    private static final Machine MACHINE = new Machine("box", "Some CPU", 2, "6.18.0", "1", "OpenJDK 17", "0.10 0.20 0.30");

    private static Figure measured(String name, double ns, String kernel, String baseline) {
        return new Figure(name, "native", ns, ns, 1000L, 11, ns, ns, kernel, baseline, null, null, null, null);
    }

    private static RunReport run(Figure... figures) {
        return new RunReport("2025-01-02T03:04:05Z", "full", "scripts/bench.sh", MACHINE, List.of(figures));
    }

    @Test
    void ratioIsOursOverKernelEachNetOfItsBaseline() {
        RunReport run = run(
                measured("kernel.prog.empty", 20, null, null),
                measured("kernel.prog.map_lookup.hash", 31, null, "kernel.prog.empty"),
                measured("bpftime.empty", 5, null, null),
                measured("bpftime.map_lookup.hash", 27, "kernel.prog.map_lookup.hash", "bpftime.empty"));
        Figure ours = run.find("bpftime.map_lookup.hash").orElseThrow();

        assertEquals(Optional.of(22.0), run.net(ours));
        RunReport.Comparison c = run.compare(ours).orElseThrow();
        assertEquals("kernel.prog.map_lookup.hash", c.counterpart());
        assertEquals(2.0, c.ratio(), 1e-12);
        assertNull(c.missing());
    }

    @Test
    void aNativeCounterpartGivesTheRatioToNative() {
        Figure jit = new Figure("bpftime.vm.jit.sieve", "native", 150.0, 150.0, 1L, 11, 150.0, 150.0, null, null, null,
                null, "native.vm.sieve", null);
        RunReport run = run(measured("native.vm.sieve", 100, null, null), jit);
        RunReport.Comparison c = run.compare(jit).orElseThrow();

        assertEquals("native.vm.sieve", c.counterpart());
        assertEquals(1.5, c.ratio(), 1e-12);
        assertTrue(MarkdownReport.render(run).contains("| bpftime.vm.jit.sieve | 150 | 150 | 11 |  | 1.50 × native.vm.sieve |"));
    }

    @Test
    void noComparisonWithoutACounterpart() {
        RunReport run = run(measured("baseline.call.empty", 1.3, null, null));
        assertEquals(Optional.empty(), run.compare(run.figures().get(0)));
    }

    @Test
    void skippedKernelCounterpartGivesTheReasonInsteadOfARatio() {
        RunReport run = run(
                Figure.skipped("kernel.x", "native", "needs root; euid is 1000"),
                measured("bpftime.x", 9, "kernel.x", null));
        RunReport.Comparison c = run.compare(run.figures().get(1)).orElseThrow();

        assertNull(c.ratio());
        assertEquals("skipped: needs root; euid is 1000", c.missing());
    }

    @Test
    void netIsEmptyWhenTheBaselineWasNotMeasured() {
        RunReport run = run(
                Figure.skipped("kernel.prog.empty", "native", "needs root"),
                measured("kernel.prog.map_lookup.array", 21, null, "kernel.prog.empty"));
        assertEquals(Optional.empty(), run.net(run.figures().get(1)));
    }

    @Test
    void markdownHasMachineCommandAndOneRowPerFigure() {
        RunReport run = run(
                measured("kernel.prog.empty", 20, null, null),
                measured("kernel.prog.map_lookup.hash", 31.04, null, "kernel.prog.empty"),
                measured("bpftime.map_lookup.hash", 16.56, "kernel.prog.map_lookup.hash", null),
                Figure.skipped("kernel.syscall.map_lookup.array", "native", "needs root | not 1000"));
        String md = MarkdownReport.render(run);

        assertTrue(md.startsWith("Measured 2025-01-02T03:04:05Z on `box`: Some CPU, 2 CPUs, Linux 6.18.0, "
                + "bpf_jit_enable=1, OpenJDK 17; load average 0.10 0.20 0.30.  \nCommand: `scripts/bench.sh` (full mode).\n"), md);
        assertTrue(md.contains("| kernel.prog.map_lookup.hash | 31.0 | 31.0 | 11 | 11.0 (minus kernel.prog.empty) |  |\n"), md);
        assertTrue(md.contains("| bpftime.map_lookup.hash | 16.6 | 16.6 | 11 |  | 1.50 × kernel.prog.map_lookup.hash |\n"), md);
        assertTrue(md.contains("| kernel.syscall.map_lookup.array | skipped: needs root \\| not 1000 | | | | |\n"), md);
    }

    @Test
    void aFigureWhoseWallTimeFarExceedsItsCpuTimeIsMarkedDisturbed() {
        Figure calm = new Figure("a", "native", 10.0, 9.0, 1L, 11, 9.0, 11.0, null, null, null, null, null, null);
        Figure busy = new Figure("b", "native", 25.0, 10.0, 1L, 11, 20.0, 30.0, null, null, null, null, null, null);
        assertTrue(MarkdownReport.render(run(calm)).contains("| a | 10.0 | 9.00 | 11 |"));
        assertFalse(MarkdownReport.render(run(calm)).contains("⚠"));
        String md = MarkdownReport.render(run(calm, busy));
        assertTrue(md.contains("| b | 25.0 ⚠ | 10.0 | 11 |"), md);
        assertTrue(md.contains("\n⚠ wall time above 1.2 × CPU time: other tasks took the CPU"), md);
    }

    @Test
    void figuresKeepAboutThreeSignificantDigits() {
        assertEquals("1.27", MarkdownReport.ns(1.2744));
        assertEquals("31.0", MarkdownReport.ns(31.04));
        assertEquals("377", MarkdownReport.ns(376.6));
        assertEquals("12345", MarkdownReport.ns(12345.4));
    }
}
