package dev.bpftime.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmSuiteAndTargetsTest {

    private static final Machine MACHINE = new Machine("box", "Some CPU", 2, "6.18.0", "1", "OpenJDK 17", "0.10 0.20 0.30");

    private static Figure figure(String name, double ns, String kernel, String nativeFigure, String baseline,
            Double insns) {
        return new Figure(name, "native", ns, ns, 1000L, 11, ns, ns, kernel, baseline, null, null, nativeFigure, insns);
    }

    /** A program measured on the three engines. */
    private static List<Figure> program(String name, double nativeNs, double jitNs, double interpNs, double insns) {
        return List.of(figure("native.vm." + name, nativeNs, null, null, null, null),
                figure("bpftime.vm.jit." + name, jitNs, null, "native.vm." + name, null, null),
                figure("bpftime.vm.interp." + name, interpNs, null, "native.vm." + name, null, insns));
    }

    private static RunReport run(List<Figure> figures) {
        return new RunReport("2025-01-02T03:04:05Z", "full", "scripts/bench.sh", MACHINE, figures);
    }

    @Test
    void rowsHaveRatiosToNativeAndCostsPerInstruction() {
        List<Figure> figures = new ArrayList<>(program("sieve", 100, 120, 5000, 1000));
        figures.addAll(program("hash", 200, 300, 8000, 2000));
        List<VmSuite.Row> rows = VmSuite.rows(run(figures));

        assertEquals(2, rows.size());
        VmSuite.Row sieve = rows.get(0);
        assertEquals("sieve", sieve.program());
        assertEquals(1.2, sieve.jitRatio(), 1e-12);
        assertEquals(50.0, sieve.interpRatio(), 1e-12);
        assertEquals(5.0, sieve.interpNsPerInsn(), 1e-12);
        assertEquals(0.12, sieve.jitNsPerInsn(), 1e-12);
        assertEquals(Math.sqrt(1.2 * 1.5), VmSuite.jitGeomean(rows).getAsDouble(), 1e-12);

        String md = VmSuite.render(run(figures));
        assertTrue(md.contains("| sieve | 100 | 120 | 1.20 × | 5000 | 50.00 × | 1000 | 5.00 | 0.120 |\n"), md);
        assertTrue(md.contains("| geometric mean | | | 1.34 × |"), md);
    }

    @Test
    void aProgramWithoutAMeasuredEngineHasNoRatioForIt() {
        List<Figure> figures = new ArrayList<>(program("sieve", 100, 120, 5000, 1000));
        figures.set(1, Figure.skipped("bpftime.vm.jit.sieve", "native", "no image"));
        VmSuite.Row row = VmSuite.rows(run(figures)).get(0);

        assertNull(row.jitRatio());
        assertEquals(50.0, row.interpRatio(), 1e-12);
        assertTrue(VmSuite.jitGeomean(List.of(row)).isEmpty());
    }

    @Test
    void noVmSectionWithoutVmFigures() {
        assertEquals("", VmSuite.render(run(List.of(figure("baseline.call.empty", 1, null, null, null, null)))));
    }

    private static Targets.Verdict verdict(RunReport run, String startOfTarget) {
        return Targets.judge(run).stream().filter(v -> v.target().startsWith(startOfTarget)).findFirst().orElseThrow();
    }

    @Test
    void mapTargetsJudgeTheRatioToTheKernelNetOfBaselines() {
        RunReport run = run(List.of(
                figure("kernel.prog.empty", 20, null, null, null, null),
                figure("kernel.prog.map_lookup.hash", 30, null, null, "kernel.prog.empty", null),
                figure("kernel.prog.map_lookup.array", 21, null, null, "kernel.prog.empty", null),
                figure("bpftime.map.lookup.hash", 9, "kernel.prog.map_lookup.hash", null, null, null),
                figure("bpftime.jit.prog.empty.per16", 0.25, null, null, null, null),
                figure("bpftime.jit.prog.map_lookup.array", 1.75, "kernel.prog.map_lookup.array", null,
                        "bpftime.jit.prog.empty.per16", null)));

        Targets.Verdict hash = verdict(run, "hash lookup no slower than the kernel's (");
        assertEquals("0.90 ×", hash.measured());
        assertTrue(hash.met());
        Targets.Verdict array = verdict(run, "array lookup within 1.2 × the kernel's, the same program as JIT code (");
        assertEquals("1.50 ×", array.measured());
        assertFalse(array.met());
        assertNull(verdict(run, "hash lookup no slower than the kernel's, two threads").met());
    }

    @Test
    void probeTargetsJudgeAddedCostsAndShowSmallRatiosAsFractions() {
        RunReport run = run(List.of(
                figure("baseline.call.push_rbp", 2, null, null, null, null),
                figure("kernel.uprobe.push_rbp", 602, null, null, "baseline.call.push_rbp", null),
                figure("bpftime.uprobe.push_rbp.jit", 12, "kernel.uprobe.push_rbp", null, "baseline.call.push_rbp",
                        null),
                figure("baseline.syscall.getppid", 100, null, null, null, null),
                figure("kernel.tracepoint.sys_enter_getppid", 160, null, null, "baseline.syscall.getppid", null),
                figure("bpftime.tracepoint.sys_enter_getppid.jit", 115, "kernel.tracepoint.sys_enter_getppid",
                        null, "baseline.syscall.getppid", null)));

        Targets.Verdict uprobe = verdict(run, "uprobe, empty program, at most 1/100 of the kernel's added cost (push");
        assertEquals("0.0167 × (1/60)", uprobe.measured());
        assertFalse(uprobe.met());
        Targets.Verdict tracepoint = verdict(run, "syscall tracepoint on getppid");
        assertEquals("0.25 ×", tracepoint.measured());
        assertTrue(tracepoint.met());
        assertEquals("not in this run", verdict(run, "uretprobe, empty program").measured());
    }

    @Test
    void vmTargetsNameTheWorstProgram() {
        List<Figure> figures = new ArrayList<>(program("sieve", 100, 120, 500, 100));
        figures.addAll(program("hash", 200, 320, 8000, 1000));
        figures.add(new Figure("java.jit.CompileBenchmark.compile[object=o,section=s]", "jmh", 450000.0, null, null, 5,
                440000.0, 460000.0, null, null, null, null, null, null));
        RunReport run = run(figures);

        Targets.Verdict every = verdict(run, "JIT within 1.5 × native on every program");
        assertEquals("worst 1.60 × (hash)", every.measured());
        assertFalse(every.met());
        Targets.Verdict geomean = verdict(run, "JIT within 1.2 × native, geometric mean");
        assertEquals("1.39 ×", geomean.measured());
        assertFalse(geomean.met());
        Targets.Verdict interp = verdict(run, "interpreter under 10 ns per instruction");
        assertEquals("worst 8.00 ns (hash)", interp.measured());
        assertTrue(interp.met());
        Targets.Verdict compile = verdict(run, "JIT compile");
        assertEquals("0.450 ms", compile.measured());
        assertTrue(compile.met());
        assertTrue(Targets.render(run).contains("| JIT within 1.5 × native on every program | worst 1.60 × (hash) | **no** |"));
    }
}
