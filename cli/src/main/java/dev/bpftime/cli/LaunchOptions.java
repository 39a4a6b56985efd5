package dev.bpftime.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The options of {@code bpftime load} and {@code bpftime start}, defined once in the resource
 * {@code launch-options} (one line an option: what it is called, the environment variable it sets, how
 * its value is checked, its help). bin/bpftime reads the same file (dist/lib/launch-options) to parse them
 * without a JVM; here it gives the commands their options and help text.
 */
record LaunchOptions(List<Option> options) {

    /** One line of the table. */
    record Option(String name, String label, String variable, String check, String help, String note) {

        boolean isFlag() {
            return check.equals("flag");
        }

        /** The help line: HELP (env VARIABLE[=1][; NOTE]). */
        String description() {
            return help + " (env " + variable + (isFlag() ? "=1" : "") + (note.isEmpty() ? "" : "; " + note) + ").";
        }
    }

    private static final Set<String> CHECKS = Set.of("flag", "folder", "seconds");
    static final String RESOURCE = "launch-options";

    /** The table this jar carries. */
    static LaunchOptions load() {
        try (InputStream in = LaunchOptions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " of " + LaunchOptions.class.getPackageName()
                        + ": actual missing vs expected in the bpftime-cli jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the table; a wrong line is refused naming it. */
    static LaunchOptions parse(String text, String where) {
        List<Option> options = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String at = where + ":" + (i + 1) + ": ";
            String[] f = line.split("\\|", -1);
            if (f.length != 6) {
                throw new IllegalArgumentException(at + "actual " + f.length + " fields vs expected 6 "
                        + "(OPTION|LABEL|VARIABLE|CHECK|HELP|NOTE)");
            }
            if (!f[0].matches("--[a-z][a-z-]*")) {
                throw new IllegalArgumentException(at + "option: actual '" + f[0] + "' vs expected --lower-case-words");
            }
            if (!CHECKS.contains(f[3])) {
                throw new IllegalArgumentException(at + "check: actual '" + f[3] + "' vs expected one of flag, folder, "
                        + "seconds");
            }
            if (f[3].equals("flag") != f[1].isEmpty()) {
                throw new IllegalArgumentException(at + "label: actual '" + f[1] + "' vs expected "
                        + (f[3].equals("flag") ? "none for a flag" : "one for an option with a value"));
            }
            if (!f[2].matches("BPFTIME_[A-Z_]+")) {
                throw new IllegalArgumentException(at + "variable: actual '" + f[2] + "' vs expected BPFTIME_...");
            }
            options.add(new Option(f[0], f[1], f[2], f[3], f[4], f[5]));
        }
        return new LaunchOptions(List.copyOf(options));
    }

    /** Gives a command these options, for its help (the launcher, not this JVM, acts on them). */
    void addTo(CommandSpec command) {
        for (Option o : options) {
            OptionSpec.Builder b = OptionSpec.builder(o.name()).description(o.description());
            if (o.isFlag()) {
                b.type(boolean.class).arity("0");
            } else {
                b.type(String.class).paramLabel(o.label());
            }
            command.addOption(b.build());
        }
    }
}
