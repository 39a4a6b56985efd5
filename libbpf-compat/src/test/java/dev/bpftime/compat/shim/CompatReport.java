package dev.bpftime.compat.shim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The compatibility report: how many observations each suite compared with the kernel and every
 * difference it accepted, with its reason ({@link KnownDifferences}). Rewritten after each
 * comparison to libbpf-compat/target/compat-report.md, so a partial run still leaves a true report;
 * docs/COMPAT.md summarises it.
 */
final class CompatReport {

    record Comparison(int compared, List<String> explained, List<String> unexplained, List<String> staleExplanations) {
    }

    private record Row(int compared, List<String> explained) {
    }

    private static final Map<String, Row> ROWS = new TreeMap<>();

    private CompatReport() {
    }

    /** Compares two transcripts of "name: value" lines and records the outcome under suite/group. */
    static Comparison compare(String suite, String group, List<String> kernel, List<String> shim) {
        List<String> explained = new ArrayList<>();
        List<String> unexplained = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        int n = Math.max(kernel.size(), shim.size());
        for (int i = 0; i < n; i++) {
            String k = i < kernel.size() ? kernel.get(i) : "(none)";
            String s = i < shim.size() ? shim.get(i) : "(none)";
            String name = name(k);
            if (!name.equals(name(s))) {
                unexplained.add("line " + (i + 1) + ": " + k + " | " + s);
                continue;
            }
            var known = KnownDifferences.find(suite, name, value(k), value(s));
            if (k.equals(s)) {
                known.filter(KnownDifferences.Known::exact).ifPresent(x -> stale.add(suite + " " + name));
            } else if (known.isPresent()) {
                explained.add(known.get().reason() + "\u0000" + name + ": kernel `" + value(k) + "`, shim `" + value(s) + "`");
            } else {
                unexplained.add(k + " | " + s);
            }
        }
        record(suite, group, Math.min(kernel.size(), shim.size()), explained);
        return new Comparison(Math.min(kernel.size(), shim.size()), explained, unexplained, stale);
    }

    /** Records a comparison made elsewhere (the bad-input suite compares errnos in C). */
    static synchronized void record(String suite, String group, int compared, List<String> explained) {
        ROWS.put(suite + " " + group, new Row(compared, List.copyOf(explained)));
        write();
    }

    private static String name(String line) {
        int colon = line.indexOf(": ");
        return colon < 0 ? line : line.substring(0, colon);
    }

    private static String value(String line) {
        int colon = line.indexOf(": ");
        return colon < 0 ? "" : line.substring(colon + 2);
    }

    private static void write() {
        String root = System.getProperty("bpftime.root");
        if (root == null) {
            return;
        }
        StringBuilder md = new StringBuilder("# Compatibility report: the shim against the kernel\n\n"
                + "Written by the differential tests of libbpf-compat (each observation of a C case run under the "
                + "shim and against the kernel as root). Only the suites of this test run appear.\n\n"
                + "| suite and group | observations compared | known differences |\n|---|---:|---:|\n");
        int total = 0;
        int differences = 0;
        List<String> all = new ArrayList<>();
        for (var e : ROWS.entrySet()) {
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue().compared()).append(" | ")
                    .append(e.getValue().explained().size()).append(" |\n");
            total += e.getValue().compared();
            differences += e.getValue().explained().size();
            e.getValue().explained().forEach(x -> all.add(x.replace("\u0000", "\u0000" + e.getKey() + " ")));
        }
        md.append("| **total** | **").append(total).append("** | **").append(differences).append("** |\n\n");
        md.append("## Known differences, by reason\n\n");
        if (all.isEmpty()) {
            md.append("None in this run.\n");
        }
        Map<String, List<String>> byReason = new TreeMap<>();
        for (String x : all) {
            String[] parts = x.split("\u0000", 2);
            byReason.computeIfAbsent(parts[0], r -> new ArrayList<>()).add(parts[1]);
        }
        byReason.forEach((reason, cases) -> {
            md.append("- ").append(reason).append(" (").append(cases.size()).append(cases.size() == 1 ? " case" : " cases")
                    .append("; e.g. ").append(String.join("; ", cases.subList(0, Math.min(3, cases.size()))))
                    .append(")\n");
        });
        try {
            Path out = Path.of(root, "libbpf-compat", "target", "compat-report.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, md);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
