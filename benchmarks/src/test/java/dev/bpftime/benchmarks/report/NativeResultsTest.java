package dev.bpftime.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NativeResultsTest {

    @Test
    void readsMeasuredSkippedAndFailedLines() {
        String lines = """
                {"name":"baseline.call.empty","ns_per_op":1.274,"cpu_ns_per_op":1.25,"ops":4194304,"runs":11,"min_ns_per_op":1.2,"max_ns_per_op":1.3}
                {"name":"kernel.syscall.map_lookup.array","skipped":"needs root; euid is 1000"}

                {"name":"kernel.prog.map_lookup.hash","baseline":"kernel.prog.empty","error":"bpf(BPF_PROG_LOAD): Invalid argument"}
                """;
        List<Figure> figures = NativeResults.parse(lines, "native.jsonl");

        assertEquals(3, figures.size());
        Figure call = figures.get(0);
        assertEquals("baseline.call.empty", call.name());
        assertEquals("native", call.source());
        assertEquals(1.274, call.nsPerOp());
        assertEquals(1.25, call.cpuNsPerOp());
        assertEquals(4194304L, call.ops());
        assertEquals(11, call.runs());
        assertEquals(1.2, call.minNsPerOp());
        assertTrue(call.measured());
        assertEquals("needs root; euid is 1000", figures.get(1).skipped());
        assertNull(figures.get(1).nsPerOp());
        assertEquals("kernel.prog.empty", figures.get(2).baseline());
        assertEquals("bpf(BPF_PROG_LOAD): Invalid argument", figures.get(2).error());
    }

    @Test
    void readsANativeCounterpartAndTheInstructionCount() {
        Figure interp = NativeResults.parse("{\"name\":\"bpftime.vm.interp.sieve\",\"native\":\"native.vm.sieve\","
                + "\"ns_per_op\":900000.0,\"cpu_ns_per_op\":899000.0,\"ops\":64,\"runs\":11,\"min_ns_per_op\":1,"
                + "\"max_ns_per_op\":2,\"insns_per_op\":123456.0}", "in").get(0);

        assertEquals("native.vm.sieve", interp.nativeFigure());
        assertEquals("native.vm.sieve", interp.counterpart());
        assertEquals(123456.0, interp.insnsPerOp());
    }

    @Test
    void refusesAFigureWithTwoCounterparts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeResults.parse("{\"name\":\"x\",\"kernel\":\"k\",\"native\":\"n\",\"skipped\":\"s\"}", "in"));
        assertEquals("in line 1: figure x: counterparts: actual kernel k and native n vs expected at most one",
                e.getMessage());
    }

    @Test
    void namesTheLineOfMalformedJson() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeResults.parse("{\"name\":\"a\",\"skipped\":\"x\"}\n{\"name\":", "native.jsonl"));
        assertTrue(e.getMessage().startsWith("native.jsonl line 2: not a figure object"), e.getMessage());
    }

    @Test
    void refusesALineWithoutExactlyOneOutcome() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeResults.parse("{\"name\":\"x\",\"ns_per_op\":3.0,\"runs\":5,\"skipped\":\"no\"}", "in"));
        assertEquals("in line 1: figure x: outcomes: actual 2 vs expected exactly one of ns_per_op, skipped, error",
                e.getMessage());
    }

    @Test
    void refusesAMeasurementWithoutRuns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeResults.parse("{\"name\":\"x\",\"ns_per_op\":3.0}", "in"));
        assertEquals("in line 1: figure x: actual ns_per_op 3.0 over runs null vs expected a non-negative median "
                + "over at least one run", e.getMessage());
    }

    @Test
    void refusesAFigureWithoutAName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeResults.parse("{\"skipped\":\"why\"}", "in"));
        assertEquals("in line 1: figure without a name", e.getMessage());
    }
}
