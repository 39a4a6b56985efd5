package dev.bpftime.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges one run's outputs into its results file and prints the markdown table (scripts/bench.sh):
 *
 * <pre>
 * ReportMain --native native.jsonl --jmh jmh.json --mode full --command "scripts/bench.sh"
 *            --results-dir benchmarks/results [--docs docs/BENCHMARKS.md]
 * </pre>
 *
 * With {@code --docs}, the run also replaces the latest-run block of that document and becomes
 * {@code latest.json} in the results folder.
 *
 * Exit status 1 when a figure failed, 2 on bad usage or unreadable input.
 */
public final class ReportMain {

    private static final DateTimeFormatter FILE_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private ReportMain() {
    }

    public static void main(String[] args) throws IOException {
        Path nativeFile = null;
        Path jmhFile = null;
        Path resultsDir = null;
        Path docs = null;
        String mode = "full";
        String command = "scripts/bench.sh";
        for (int i = 0; i < args.length; i += 2) {
            String option = args[i];
            if (i + 1 == args.length) {
                usage("option " + option + " needs a value");
            }
            String value = args[i + 1];
            switch (option) {
                case "--native" -> nativeFile = Path.of(value);
                case "--jmh" -> jmhFile = Path.of(value);
                case "--results-dir" -> resultsDir = Path.of(value);
                case "--docs" -> docs = Path.of(value);
                case "--mode" -> mode = value;
                case "--command" -> command = value;
                default -> usage("unknown option " + option);
            }
        }
        if (resultsDir == null) {
            usage("--results-dir is required");
        }
        List<Figure> figures = new ArrayList<>();
        try {
            if (nativeFile != null) {
                figures.addAll(NativeResults.parse(Files.readString(nativeFile), nativeFile.toString()));
            }
            if (jmhFile != null) {
                figures.addAll(JmhResults.parse(Files.readString(jmhFile), jmhFile.toString()));
            }
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("bench report: " + e.getMessage());
            System.exit(2);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Machine machine = Machine.probe();
        RunReport run = new RunReport(now.toString(), mode, command, machine, figures);

        Files.createDirectories(resultsDir);
        Path results = resultsDir.resolve(FILE_DATE.format(now) + "-" + machine.host() + ".json");
        Files.writeString(results, Json.GSON.toJson(run) + "\n");
        String markdown = MarkdownReport.render(run);
        System.out.print(markdown);
        System.err.println("results: " + results);
        if (docs != null) {
            // The run the docs quote is kept (as latest.json, the one results file git tracks).
            Path latest = resultsDir.resolve("latest.json");
            Files.copy(results, latest, StandardCopyOption.REPLACE_EXISTING);
            String block = markdown + "\nResults file: `benchmarks/results/latest.json` (made as `"
                    + results.getFileName() + "`).\n";
            try {
                Files.writeString(docs, DocsBlock.replace(Files.readString(docs), block, docs.toString()));
            } catch (IllegalArgumentException e) {
                System.err.println("bench report: " + e.getMessage());
                System.exit(2);
            }
            System.err.println("updated: " + docs + " and " + latest);
        }
        if (figures.stream().anyMatch(f -> f.error() != null)) {
            System.exit(1);
        }
    }

    private static void usage(String problem) {
        System.err.println("bench report: " + problem + "\nusage: ReportMain [--native FILE] [--jmh FILE] "
                + "[--mode full|quick] [--command TEXT] --results-dir DIR [--docs FILE]");
        System.exit(2);
    }
}
