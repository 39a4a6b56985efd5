package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * N processes x M threads on one map or buffer, each scenario with a process killed inside its
 * critical section first (maps_torture.c states each invariant). A scenario that hangs fails.
 */
class ConcurrencyTest {

    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({
        "atomic-add, 3, 3, 200000, ",
        "hash-churn, 3, 3, 40000, ",
        "hash-churn, 4, 2, 40000, ",
        "ringbuf, 3, 3, 20000, 65536",
        "ringbuf, 2, 4, 10000, 4096",
        "perfbuf, 3, 3, 20000, 8",
        "perfbuf, 2, 2, 5000, 1",
    })
    void scenarioHoldsItsInvariant(String scenario, int procs, int threads, int iterations, String extra)
            throws Exception {
        String[] args = extra == null
                ? new String[] {scenario, "" + procs, "" + threads, "" + iterations}
                : new String[] {scenario, "" + procs, "" + threads, "" + iterations, extra};
        String out = NativeTestPrograms.run(120, "maps_torture", args);
        assertTrue(out.contains("OK " + scenario), out);
    }
}
