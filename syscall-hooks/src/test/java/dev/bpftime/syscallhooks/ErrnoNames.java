package dev.bpftime.syscallhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

/** errno names as strace prints them, mapped to numbers by glibc (tool_errno_names.c). */
final class ErrnoNames {
    private static Map<String, Integer> table;

    private ErrnoNames() {}

    static synchronized Map<String, Integer> table() {
        if (table == null) {
            ProcessRun r = ProcessRun.run(Map.of(), NativeBuild.program("tool_errno_names").toString());
            assertEquals(0, r.exitCode(), r.describe());
            Map<String, Integer> t = new HashMap<>();
            for (String line : r.stdout().split("\n")) {
                String[] kv = line.split(" ");
                t.put(kv[0], Integer.parseInt(kv[1]));
            }
            table = t;
        }
        return table;
    }
}
