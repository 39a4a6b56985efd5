package dev.bpftime.benchmarks.report;

import java.util.List;
import java.util.Optional;

/**
 * One run of scripts/bench.sh: when, where, how, and every figure. This is the results file's
 * content; net costs and kernel ratios are derived from it.
 *
 * @param date    ISO-8601 UTC instant the report was made
 * @param mode    {@code full} or {@code quick}
 * @param command the command that made the run
 */
public record RunReport(String date, String mode, String command, Machine machine, List<Figure> figures) {

    /**
     * What a figure is compared with: its counterpart's name (its kernel or native figure) and the ratio,
     * or why there is none.
     */
    public record Comparison(String counterpart, Double ratio, String missing) {
    }

    public Optional<Figure> find(String name) {
        return figures.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /**
     * The figure's cost net of its baseline (the figure of the same run whose cost it includes),
     * its own cost when it has none, empty when it or its baseline was not measured.
     */
    public Optional<Double> net(Figure figure) {
        if (!figure.measured()) {
            return Optional.empty();
        }
        if (figure.baseline() == null) {
            return Optional.of(figure.nsPerOp());
        }
        return find(figure.baseline()).filter(Figure::measured).map(b -> figure.nsPerOp() - b.nsPerOp());
    }

    /** Ours / counterpart, each net of its baseline; empty when the figure names no counterpart. */
    public Optional<Comparison> compare(Figure figure) {
        String counterpart = figure.counterpart();
        if (counterpart == null) {
            return Optional.empty();
        }
        Optional<Figure> other = find(counterpart);
        String missing = other.isEmpty() ? "not in this run"
                : other.get().skipped() != null ? "skipped: " + other.get().skipped()
                : other.get().error() != null ? "failed: " + other.get().error()
                : null;
        if (missing == null) {
            Optional<Double> ours = net(figure);
            Optional<Double> theirs = net(other.get());
            if (ours.isEmpty() || theirs.isEmpty()) {
                missing = "a figure or its baseline was not measured";
            } else if (theirs.get() <= 0) {
                missing = "counterpart's cost net of its baseline is " + theirs.get() + " ns";
            } else {
                return Optional.of(new Comparison(counterpart, ours.get() / theirs.get(), null));
            }
        }
        return Optional.of(new Comparison(counterpart, null, missing));
    }
}
