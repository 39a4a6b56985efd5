package dev.bpftime.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MedianTest {

    @Test
    void oddCountIsTheMiddleValue() {
        assertEquals(3.0, Median.of(5, 1, 3));
    }

    @Test
    void evenCountIsTheMeanOfTheTwoMiddleValues() {
        assertEquals(2.5, Median.of(4, 1, 3, 2));
    }

    @Test
    void leavesItsInputAlone() {
        double[] values = {3, 1, 2};
        Median.of(values);
        assertArrayEquals(new double[] {3, 1, 2}, values);
    }

    @Test
    void refusesNoValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Median::of);
        assertEquals("median of no values: actual 0 runs vs expected at least 1", e.getMessage());
    }
}
