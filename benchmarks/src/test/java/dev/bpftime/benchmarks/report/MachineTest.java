package dev.bpftime.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MachineTest {

    @Test
    void cpuModelIsTheFirstModelName() {
        String cpuinfo = """
                processor\t: 0
                vendor_id\t: GenuineIntel
                model\t\t: 207
                model name\t: Intel(R) Xeon(R) Processor
                processor\t: 1
                model name\t: Intel(R) Xeon(R) Processor
                """;
        assertEquals("Intel(R) Xeon(R) Processor", Machine.cpuModel(cpuinfo));
    }

    @Test
    void cpuModelSaysWhenThereIsNone() {
        assertEquals("unknown (no model name in /proc/cpuinfo)", Machine.cpuModel("processor : 0\n"));
    }

    @Test
    void loadAverageIsTheFirstThreeFields() {
        assertEquals("0.52 0.31 0.20", Machine.loadAverage("0.52 0.31 0.20 1/234 5678\n"));
        assertEquals("unknown (no /proc/loadavg)", Machine.loadAverage(""));
    }

    @Test
    void probeFillsEveryField() {
        Machine m = Machine.probe();
        assertFalse(m.host().isEmpty());
        assertTrue(m.cpus() >= 1);
        assertEquals(System.getProperty("os.version"), m.kernel());
        assertTrue(m.java().contains(System.getProperty("java.runtime.version")), m.java());
        assertTrue(m.loadAverage().matches("[0-9.]+ [0-9.]+ [0-9.]+"), m.loadAverage());
    }
}
