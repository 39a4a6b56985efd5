package dev.bpftime.compat.tracefs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The committed table of x86-64 syscall tracepoints (syscalls-x86_64.tsv beside this class), produced
 * from a real tracefs by scripts/gen-syscall-table.py, whose header says how. One line per syscall:
 * number, name, then type, name and signed bit per argument, tab-separated.
 */
public final class SyscallTable {

    static final String RESOURCE = "syscalls-x86_64.tsv";

    private SyscallTable() {
    }

    /** The table shipped with the service. */
    public static List<Syscall> x86_64() {
        try (InputStream in = SyscallTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the service's classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the table; a malformed line is an IllegalArgumentException naming the line. */
    public static List<Syscall> parse(String text) {
        List<Syscall> out = new ArrayList<>();
        int lineNo = 0;
        try (BufferedReader r = new BufferedReader(new java.io.StringReader(text))) {
            for (String line; (line = r.readLine()) != null;) {
                lineNo++;
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length < 2 || (f.length - 2) % 3 != 0) {
                    throw new IllegalArgumentException(RESOURCE + " line " + lineNo + ": actual " + f.length
                            + " fields vs expected 2 + 3 per argument");
                }
                List<Syscall.Arg> args = new ArrayList<>();
                for (int i = 2; i < f.length; i += 3) {
                    if (!f[i + 2].equals("0") && !f[i + 2].equals("1")) {
                        throw new IllegalArgumentException(RESOURCE + " line " + lineNo + ": signed actual '"
                                + f[i + 2] + "' vs expected 0 or 1");
                    }
                    args.add(new Syscall.Arg(f[i], f[i + 1], f[i + 2].equals("1")));
                }
                int nr;
                try {
                    nr = Integer.parseInt(f[0]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(RESOURCE + " line " + lineNo + ": number actual '" + f[0]
                            + "' vs expected a decimal integer");
                }
                out.add(new Syscall(nr, f[1], args));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(out);
    }
}
