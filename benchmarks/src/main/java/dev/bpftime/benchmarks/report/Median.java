package dev.bpftime.benchmarks.report;

import java.util.Arrays;

/** The median the figures report: the middle value, or the mean of the two middle ones. */
public final class Median {

    private Median() {
    }

    public static double of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median of no values: actual 0 runs vs expected at least 1");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
