package dev.bpftime.benchmarks.report;

import com.google.gson.annotations.SerializedName;

/**
 * One figure of a run, as the results file stores it: measured (nsPerOp, the median of runs),
 * skipped (with the reason) or failed (with the error). Null fields are absent from the JSON.
 *
 * @param source      {@code native} (the C harness) or {@code jmh}
 * @param cpuNsPerOp  the median on the thread's CPU clock (native only): far below nsPerOp when other
 *                    tasks took the CPU during the runs
 * @param kernel       the kernel figure this one is compared against, or null
 * @param baseline     a figure of the same run whose cost is included in this one's, or null
 * @param nativeFigure the figure of the same work compiled natively this one is compared against
 *                     ({@code native} in the JSON), or null; a figure names at most one counterpart
 * @param insnsPerOp   eBPF instructions one operation executes (interpreter figures), or null
 */
public record Figure(String name, String source, Double nsPerOp, Double cpuNsPerOp, Long ops, Integer runs,
        Double minNsPerOp, Double maxNsPerOp, String kernel, String baseline, String skipped, String error,
        @SerializedName("native") String nativeFigure, Double insnsPerOp) {

    public static Figure skipped(String name, String source, String reason) {
        return new Figure(name, source, null, null, null, null, null, null, null, null, reason, null, null, null);
    }

    /** The figure this one is compared against: its kernel or its native counterpart, or null. */
    public String counterpart() {
        return kernel != null ? kernel : nativeFigure;
    }

    public boolean measured() {
        return nsPerOp != null;
    }

    Figure withSource(String newSource) {
        return new Figure(name, newSource, nsPerOp, cpuNsPerOp, ops, runs, minNsPerOp, maxNsPerOp, kernel, baseline,
                skipped, error, nativeFigure, insnsPerOp);
    }

    /** Why this figure is not acceptable as a results entry, or null when it is. */
    String problem() {
        if (name == null || name.isBlank()) {
            return "figure without a name";
        }
        int outcomes = (nsPerOp != null ? 1 : 0) + (skipped != null ? 1 : 0) + (error != null ? 1 : 0);
        if (outcomes != 1) {
            return "figure " + name + ": outcomes: actual " + outcomes
                    + " vs expected exactly one of ns_per_op, skipped, error";
        }
        if (nsPerOp != null && (runs == null || runs < 1 || nsPerOp.isNaN() || nsPerOp < 0)) {
            return "figure " + name + ": actual ns_per_op " + nsPerOp + " over runs " + runs
                    + " vs expected a non-negative median over at least one run";
        }
        if (kernel != null && nativeFigure != null) {
            return "figure " + name + ": counterparts: actual kernel " + kernel + " and native " + nativeFigure
                    + " vs expected at most one";
        }
        return null;
    }
}
