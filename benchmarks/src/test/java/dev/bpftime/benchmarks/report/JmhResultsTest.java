package dev.bpftime.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JmhResultsTest {

    /** The shape of JMH 1.37's -rf json output, trimmed to what the report reads and a bit more. */
    private static String result(String benchmark, String unit, String rawData) {
        return """
                {
                    "jmhVersion" : "1.37",
                    "benchmark" : "%s",
                    "mode" : "avgt",
                    "forks" : 2,
                    "params" : { "object" : "cilium/bpf_lxc.o" },
                    "primaryMetric" : {
                        "score" : 99.0,
                        "scoreUnit" : "%s",
                        "rawData" : %s
                    },
                    "secondaryMetrics" : {}
                }
                """.formatted(benchmark, unit, rawData);
    }

    @Test
    void medianOfAllIterationsOfAllForks() {
        String json = "[" + result("dev.bpftime.benchmarks.isa.CodecBenchmark.decode", "ns/op",
                "[[10.0, 30.0, 11.0], [12.0, 13.0, 9.0]]") + "]";
        List<Figure> figures = JmhResults.parse(json, "jmh.json");

        assertEquals(1, figures.size());
        Figure f = figures.get(0);
        assertEquals("java.isa.CodecBenchmark.decode[object=cilium/bpf_lxc.o]", f.name());
        assertEquals("jmh", f.source());
        assertEquals(11.5, f.nsPerOp());
        assertEquals(6, f.runs());
        assertEquals(9.0, f.minNsPerOp());
        assertEquals(30.0, f.maxNsPerOp());
    }

    @Test
    void refusesAnotherUnit() {
        String json = "[" + result("dev.bpftime.benchmarks.X.y", "ops/s", "[[1.0]]") + "]";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JmhResults.parse(json, "jmh.json"));
        assertTrue(e.getMessage().startsWith("jmh.json result 0: java.X.y[object=cilium/bpf_lxc.o]: score unit: "
                + "actual ops/s vs expected ns/op"), e.getMessage());
    }

    @Test
    void namesWhatIsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JmhResults.parse("[{\"benchmark\":\"a.B.c\"}]", "jmh.json"));
        assertEquals("jmh.json result 0: java.a.B.c: actual no \"primaryMetric\" vs expected one (JMH's -rf json)",
                e.getMessage());
    }

    @Test
    void refusesSomethingElseThanAnArray() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JmhResults.parse("{}", "jmh.json"));
        assertEquals("jmh.json: actual an object vs expected a JSON array of JMH results", e.getMessage());
    }
}
