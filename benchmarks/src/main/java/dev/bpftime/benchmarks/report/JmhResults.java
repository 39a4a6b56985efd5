package dev.bpftime.benchmarks.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads JMH's JSON result file ({@code -rf json}) into figures: the median of all measurement
 * iterations of all forks, in ns per operation, named {@code java.<benchmark below dev.bpftime.benchmarks>}
 * with its parameters in brackets.
 */
public final class JmhResults {

    static final String PACKAGE_PREFIX = "dev.bpftime.benchmarks.";

    private JmhResults() {
    }

    public static List<Figure> parse(String json, String where) {
        JsonArray runs;
        try {
            JsonElement root = JsonParser.parseString(json);
            if (!root.isJsonArray()) {
                throw new IllegalArgumentException(where + ": actual " + kind(root)
                        + " vs expected a JSON array of JMH results");
            }
            runs = root.getAsJsonArray();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(where + ": not JSON: " + e.getMessage(), e);
        }
        List<Figure> figures = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            try {
                figures.add(figure(runs.get(i).getAsJsonObject()));
            } catch (IllegalArgumentException | IllegalStateException | ClassCastException
                    | UnsupportedOperationException e) {
                // The last three are how Gson's accessors refuse a value of the wrong JSON type.
                throw new IllegalArgumentException(where + " result " + i + ": " + e.getMessage(), e);
            }
        }
        return figures;
    }

    private static Figure figure(JsonObject run) {
        String name = name(run);
        JsonObject metric = member(run, "primaryMetric", name).getAsJsonObject();
        String unit = member(metric, "scoreUnit", name).getAsString();
        if (!unit.equals("ns/op")) {
            throw new IllegalArgumentException(name + ": score unit: actual " + unit
                    + " vs expected ns/op (benchmarks use @BenchmarkMode(AverageTime), @OutputTimeUnit(NANOSECONDS))");
        }
        List<Double> values = new ArrayList<>();
        for (JsonElement fork : member(metric, "rawData", name).getAsJsonArray()) {
            for (JsonElement value : fork.getAsJsonArray()) {
                values.add(value.getAsDouble());
            }
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException(name + ": actual no measurement iterations vs expected at least 1");
        }
        double[] scores = values.stream().mapToDouble(Double::doubleValue).toArray();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        return new Figure(name, "jmh", Median.of(scores), null, null, scores.length, min, max, null, null, null, null,
                null, null);
    }

    private static String name(JsonObject run) {
        String benchmark = member(run, "benchmark", "a JMH result").getAsString();
        StringBuilder name = new StringBuilder("java.");
        name.append(benchmark.startsWith(PACKAGE_PREFIX) ? benchmark.substring(PACKAGE_PREFIX.length()) : benchmark);
        JsonObject params = run.getAsJsonObject("params");
        if (params != null && !params.isEmpty()) {
            List<String> pairs = new ArrayList<>();
            for (Map.Entry<String, JsonElement> p : params.entrySet()) {
                pairs.add(p.getKey() + "=" + p.getValue().getAsString());
            }
            name.append('[').append(String.join(",", pairs)).append(']');
        }
        return name.toString();
    }

    private static JsonElement member(JsonObject object, String key, String owner) {
        JsonElement e = object.get(key);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException(owner + ": actual no \"" + key + "\" vs expected one (JMH's -rf json)");
        }
        return e;
    }

    private static String kind(JsonElement e) {
        return e.isJsonObject() ? "an object" : e.isJsonPrimitive() ? "a value" : e.isJsonNull() ? "null" : "an array";
    }
}
