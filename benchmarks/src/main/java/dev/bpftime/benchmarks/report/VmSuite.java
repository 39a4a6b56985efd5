package dev.bpftime.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The VM suite of a run as one row per program: the same C natively (native.vm.&lt;p&gt;), as JIT code
 * (bpftime.vm.jit.&lt;p&gt;) and on the interpreter (bpftime.vm.interp.&lt;p&gt;, which also counts the
 * instructions a run executes), with the ratios to native and the costs per instruction.
 */
public final class VmSuite {

    static final String NATIVE = "native.vm.";
    static final String JIT = "bpftime.vm.jit.";
    static final String INTERP = "bpftime.vm.interp.";

    /** One program; a cost is null when its figure was not measured. */
    public record Row(String program, Double nativeNs, Double jitNs, Double interpNs, Double insns) {

        public Double jitRatio() {
            return ratio(jitNs, nativeNs);
        }

        public Double interpRatio() {
            return ratio(interpNs, nativeNs);
        }

        public Double interpNsPerInsn() {
            return ratio(interpNs, insns);
        }

        public Double jitNsPerInsn() {
            return ratio(jitNs, insns);
        }

        private static Double ratio(Double a, Double b) {
            return a == null || b == null || b <= 0 ? null : a / b;
        }
    }

    private VmSuite() {
    }

    /** The programs in the order their native figures appear. */
    public static List<Row> rows(RunReport run) {
        List<Row> rows = new ArrayList<>();
        for (Figure f : run.figures()) {
            if (!f.name().startsWith(NATIVE)) {
                continue;
            }
            String program = f.name().substring(NATIVE.length());
            Optional<Figure> interp = run.find(INTERP + program).filter(Figure::measured);
            rows.add(new Row(program, cost(run, NATIVE + program), cost(run, JIT + program), cost(run, INTERP + program),
                    interp.map(Figure::insnsPerOp).orElse(null)));
        }
        return rows;
    }

    private static Double cost(RunReport run, String name) {
        return run.find(name).filter(Figure::measured).map(Figure::nsPerOp).orElse(null);
    }

    /** The geometric mean of JIT / native over the programs with both measured; empty when none is. */
    public static OptionalDouble jitGeomean(List<Row> rows) {
        double logSum = 0;
        int n = 0;
        for (Row r : rows) {
            if (r.jitRatio() != null) {
                logSum += Math.log(r.jitRatio());
                n++;
            }
        }
        return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(Math.exp(logSum / n));
    }

    /** A markdown section, or the empty string when the run has no VM figure. */
    public static String render(RunReport run) {
        List<Row> rows = rows(run);
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("\nVM suite (ns per run of the program; ratios to the same C compiled "
                + "natively):\n\n| program | native | JIT | JIT / native | interpreter | interpreter / native | "
                + "instructions per run | interpreter ns / instruction | JIT ns / instruction |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append("| ").append(r.program()).append(" | ").append(ns(r.nativeNs())).append(" | ")
                    .append(ns(r.jitNs())).append(" | ").append(times(r.jitRatio())).append(" | ")
                    .append(ns(r.interpNs())).append(" | ").append(times(r.interpRatio())).append(" | ")
                    .append(r.insns() == null ? "-" : String.format(Locale.ROOT, "%.0f", r.insns())).append(" | ")
                    .append(ns(r.interpNsPerInsn())).append(" | ").append(perInsn(r.jitNsPerInsn())).append(" |\n");
        }
        OptionalDouble geomean = jitGeomean(rows);
        md.append("| geometric mean | | | ").append(geomean.isPresent() ? times(geomean.getAsDouble()) : "-")
                .append(" | | | | | |\n");
        return md.toString();
    }

    private static String ns(Double value) {
        return value == null ? "-" : MarkdownReport.ns(value);
    }

    private static String times(Double ratio) {
        return ratio == null ? "-" : String.format(Locale.ROOT, "%.2f ×", ratio);
    }

    /** JIT code runs several instructions a nanosecond: three decimals. */
    private static String perInsn(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.3f", value);
    }
}
