package dev.bpftime.compat.shim;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every observation where the shim is known to answer differently from the kernel, with the reason.
 * The differential suites accept exactly these as different; an exact entry that becomes equal again
 * fails the suite (it must then go), so this table and docs/COMPAT.md stay true. An entry names a
 * suite, an observation name ('*' matches any text) and, optionally, the kernel's and the shim's
 * values, so that a pattern never hides a different kind of difference.
 */
final class KnownDifferences {

    record Known(String suite, String name, String kernel, String shim, String reason) {

        boolean exact() {
            return !name.contains("*") && kernel == null;
        }

        boolean matches(String suite, String observation, String kernelValue, String shimValue) {
            return this.suite.equals(suite) && glob(name).matcher(observation).matches()
                    && (kernel == null || kernel.equals(kernelValue)) && (shim == null || shim.equals(shimValue));
        }

        private static Pattern glob(String g) {
            StringBuilder re = new StringBuilder();
            String[] parts = g.split("\\*", -1);
            for (int i = 0; i < parts.length; i++) {
                re.append(i == 0 ? "" : ".*").append(Pattern.quote(parts[i]));
            }
            return Pattern.compile(re.toString());
        }
    }

    static final List<Known> ALL = List.of();

    private KnownDifferences() {
    }

    /** Whether a failed expectation of the C cases is one of the known differences. */
    static boolean explains(String suite, String observation) {
        return ALL.stream().anyMatch(k -> k.matches(suite, observation, k.kernel(), k.shim()));
    }

    static Optional<Known> find(String suite, String observation, String kernelValue, String shimValue) {
        return ALL.stream().filter(k -> k.matches(suite, observation, kernelValue, shimValue)).findFirst();
    }
}
