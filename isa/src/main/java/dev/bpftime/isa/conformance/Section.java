package dev.bpftime.isa.conformance;

import java.util.ArrayList;
import java.util.List;

/** The lines of one section, as written, and the file line of the first of them. */
record Section(Directive directive, int directiveLine, List<String> lines) {

    Section(Directive directive, int directiveLine) {
        this(directive, directiveLine, new ArrayList<>());
    }

    int firstLine() {
        return directiveLine + 1;
    }

    /** The line's text without its {@code #} comment, stripped. */
    static String content(String line) {
        int hash = line.indexOf('#');
        return (hash < 0 ? line : line.substring(0, hash)).strip();
    }

    /** The non-blank contents with their file line numbers. */
    List<Numbered> contentLines() {
        List<Numbered> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String c = content(lines.get(i));
            if (!c.isEmpty()) {
                out.add(new Numbered(firstLine() + i, c));
            }
        }
        return out;
    }

    record Numbered(int line, String text) {
    }
}
