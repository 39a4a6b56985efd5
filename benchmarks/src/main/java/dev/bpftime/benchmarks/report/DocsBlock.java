package dev.bpftime.benchmarks.report;

/**
 * Replaces the latest-run block of docs/BENCHMARKS.md, the text between two marker comments, so a
 * run can update the docs without hand-copying figures.
 */
public final class DocsBlock {

    static final String BEGIN = "<!-- bench:latest-run:begin -->";
    static final String END = "<!-- bench:latest-run:end -->";

    private DocsBlock() {
    }

    public static String replace(String document, String block, String where) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin || document.indexOf(BEGIN, begin + 1) >= 0) {
            throw new IllegalArgumentException(where + ": markers: actual " + (begin < 0 ? "no " + BEGIN
                    : end < 0 ? "no " + END : end < begin ? END + " before " + BEGIN : "two " + BEGIN)
                    + " vs expected one " + BEGIN + " followed by one " + END);
        }
        return document.substring(0, begin + BEGIN.length()) + "\n" + block.strip() + "\n"
                + document.substring(end);
    }
}
