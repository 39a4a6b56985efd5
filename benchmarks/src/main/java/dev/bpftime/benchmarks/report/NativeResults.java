package dev.bpftime.benchmarks.report;

import com.google.gson.JsonParseException;
import java.util.ArrayList;
import java.util.List;

/** Reads the C harness's output: one JSON object per line (see benchmarks/src/main/c/bench_json.c). */
public final class NativeResults {

    private NativeResults() {
    }

    /** @param where names the input in errors, e.g. its file name */
    public static List<Figure> parse(String jsonLines, String where) {
        List<Figure> figures = new ArrayList<>();
        String[] lines = jsonLines.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            Figure figure;
            try {
                figure = Json.GSON.fromJson(line, Figure.class);
            } catch (JsonParseException e) {
                throw new IllegalArgumentException(where + " line " + (i + 1) + ": not a figure object: "
                        + e.getMessage(), e);
            }
            if (figure == null) {
                throw new IllegalArgumentException(where + " line " + (i + 1) + ": actual " + line
                        + " vs expected a JSON object");
            }
            String problem = figure.problem();
            if (problem != null) {
                throw new IllegalArgumentException(where + " line " + (i + 1) + ": " + problem);
            }
            figures.add(figure.withSource("native"));
        }
        return figures;
    }
}
