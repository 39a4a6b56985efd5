package dev.bpftime.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of {@link Main}: exit code, stdout, stderr. */
record CliRun(int code, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    String[] lines() {
        return out.isEmpty() ? new String[0] : out.split("\n");
    }
}
