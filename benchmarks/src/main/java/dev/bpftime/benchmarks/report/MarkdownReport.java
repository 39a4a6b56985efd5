package dev.bpftime.benchmarks.report;

import java.util.Locale;

/** The run as markdown: a line naming machine, date and command, then one table row per figure. */
public final class MarkdownReport {

    /** Wall time above this multiple of CPU time: other tasks ran during the runs. */
    static final double DISTURBED = 1.2;

    private MarkdownReport() {
    }

    static boolean disturbed(Figure f) {
        return f.measured() && f.cpuNsPerOp() != null && f.nsPerOp() > DISTURBED * f.cpuNsPerOp();
    }

    public static String render(RunReport run) {
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(run.date()).append(" on `").append(run.machine().host()).append("`: ")
                .append(run.machine().describe()).append(".  \n")
                .append("Command: `").append(run.command()).append("` (").append(run.mode()).append(" mode).\n\n")
                .append("| figure | ns/op (median) | cpu ns/op | runs | net ns/op | ours / counterpart |\n")
                .append("|---|---:|---:|---:|---:|---|\n");
        for (Figure f : run.figures()) {
            md.append("| ").append(f.name()).append(" | ");
            if (f.skipped() != null) {
                md.append("skipped: ").append(cell(f.skipped())).append(" | | | | |\n");
                continue;
            }
            if (f.error() != null) {
                md.append("**failed**: ").append(cell(f.error())).append(" | | | | |\n");
                continue;
            }
            md.append(ns(f.nsPerOp())).append(disturbed(f) ? " ⚠" : "").append(" | ").append(f.cpuNsPerOp() == null ? "" : ns(f.cpuNsPerOp()))
                    .append(" | ").append(f.runs()).append(" | ");
            if (f.baseline() != null) {
                md.append(run.net(f).map(MarkdownReport::ns).orElse("-")).append(" (minus ").append(f.baseline())
                        .append(")");
            }
            md.append(" | ");
            run.compare(f).ifPresent(c -> md.append(c.ratio() != null
                    ? String.format(Locale.ROOT, "%.2f × %s", c.ratio(), c.counterpart())
                    : "vs " + c.counterpart() + ": " + cell(c.missing())));
            md.append(" |\n");
        }
        md.append(VmSuite.render(run));
        md.append(Targets.render(run));
        if (run.figures().stream().anyMatch(MarkdownReport::disturbed)) {
            md.append("\n⚠ wall time above ").append(DISTURBED).append(" × CPU time: other tasks took the CPU during "
                    + "the runs, so this figure and the net costs and ratios made from it are inflated; "
                    + "run again on a quiet machine.\n");
        }
        return md.toString();
    }

    /** Three significant digits or so: 1.27, 31.0, 376, 12345. */
    static String ns(double value) {
        String format = Math.abs(value) < 10 ? "%.2f" : Math.abs(value) < 100 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, format, value);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
