package dev.bpftime.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 5's absolute targets: emulated map operations under 30 us, a cold start under 1.5 s. */
class ShimTargetsTest {

    private static final Machine MACHINE = new Machine("box", "Some CPU", 2, "6.18.0", "1", "OpenJDK 17", "0.10 0.20 0.30");

    private static Figure figure(String name, double ns, String kernel) {
        return new Figure(name, "native", ns, ns, 1000L, 11, ns, ns, kernel, null, null, null, null, null);
    }

    private static Targets.Verdict verdict(RunReport run, String figure) {
        return Targets.judge(run).stream().filter(v -> v.target().endsWith("(" + figure + ")")).findFirst()
                .orElseThrow();
    }

    @Test
    void mapOperationsAndColdStartAreJudgedOnTheirOwnCost() {
        RunReport run = new RunReport("2026-11-26T04:00:00Z", "full", "scripts/bench.sh", MACHINE, List.of(
                figure("kernel.syscall.map_lookup.array", 600, null),
                figure("bpftime.shim.map_lookup.array", 14_500, "kernel.syscall.map_lookup.array"),
                figure("bpftime.shim.map_update.hash", 31_000, "kernel.syscall.map_update.hash"),
                figure("bpftime.start.first_bpf.cold", 900_000_000, "kernel.start.first_bpf")));

        Targets.Verdict lookup = verdict(run, "bpftime.shim.map_lookup.array");
        assertEquals("14.5 us", lookup.measured());
        assertTrue(lookup.met());
        assertFalse(verdict(run, "bpftime.shim.map_update.hash").met());
        assertEquals("not in this run", verdict(run, "bpftime.shim.map_lookup.hash").measured());
        assertNull(verdict(run, "bpftime.shim.map_lookup.hash").met());
        Targets.Verdict cold = verdict(run, "bpftime.start.first_bpf.cold");
        assertEquals("0.90 s", cold.measured());
        assertTrue(cold.met());
    }
}
