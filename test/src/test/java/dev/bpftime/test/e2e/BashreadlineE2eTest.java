package dev.bpftime.test.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's bashreadline (a uretprobe on bash's readline) on an interactive bash driven through a pty
 * (util-linux script): each line typed after the tool attached is printed, with the bash's pid, as on the
 * kernel. Ignored: the TIME column; lines of other bash processes (the kernel side sees every bash); the
 * first line typed after attaching, which ends a readline call entered before the tool attached: the
 * kernel does not report it (a uretprobe takes hold at function entry), and whether a runtime does is not
 * what this test is about.
 */
class BashreadlineE2eTest {

    static final String BASHREADLINE = "/usr/sbin/bashreadline";
    private static final Pattern LINE = Pattern.compile("(\\d\\d:\\d\\d:\\d\\d)\\s+(\\d+)\\s(.*)");
    /** bashreadline prints "%-9s %-7d %s": the command starts at this column (for pids up to 7 digits). */
    private static final int COMMAND_COLUMN = 18;
    private static final String IN_FLIGHT = "true in flight at attach";
    private static final List<String> TYPED = List.of("echo one two", "true 'quoted words' \"and more\"",
            "printf '%s\\n' three", "   leading spaces", "exit");

    @TempDir
    private Path tmp;

    @Test
    void eachLineTypedIntoBashIsPrinted() throws Exception {
        try (E2e e2e = E2e.open(tmp, BASHREADLINE)) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")),
                    "needs /usr/bin/script (Debian package bsdutils) for a pty");
            assertEquals(TYPED, run(e2e, Side.KERNEL), "kernel");
            assertEquals(TYPED, run(e2e, Side.BPFTIME), "bpftime");
        }
    }

    private static List<String> run(E2e e2e, Side side) throws Exception {
        String bash = "/bin/bash --norc --noprofile -i";
        if (side == Side.BPFTIME) {
            e2e.assumeAgent();
            bash = e2e.home().resolve("bin/bpftime") + " start --runtime-dir " + e2e.runtimeDir() + " -- " + bash;
        }
        List<String> argv = E2e.asNobody();
        argv.addAll(List.of("script", "--quiet", "--return", "--command", "exec " + bash, "/dev/null"));
        try (Running pty = e2e.start("bash@" + side, argv, true)) {
            OutputStream keys = pty.process().getOutputStream();
            type(keys, "echo pid=$$");
            long pid = Long.parseLong(pty.awaitLine("(?s).*pid=(\\d+)\\s*", E2e.START).group(1));
            try (Running tool = e2e.tool(side, BASHREADLINE)) {
                e2e.toolReady(side, tool, "TIME\\s+PID\\s+COMMAND", pid);
                type(keys, IN_FLIGHT);
                for (String line : TYPED) {
                    type(keys, line);
                }
                pty.awaitExit(E2e.START);
                tool.awaitOutputQuietly(E2e.START, out -> commands(out, pid).size() >= TYPED.size());
                E2e.interrupt(tool);
                return commands(tool.out(), pid).stream().filter(c -> !c.equals(IN_FLIGHT)).toList();
            }
        }
    }

    private static void type(OutputStream keys, String line) throws IOException, InterruptedException {
        keys.write((line + "\r").getBytes(StandardCharsets.UTF_8));
        keys.flush();
        Thread.sleep(100);
    }

    private static List<String> commands(String out, long pid) {
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            Matcher m = LINE.matcher(l);
            if (m.matches() && Long.parseLong(m.group(2)) == pid) {
                lines.add(l.length() > COMMAND_COLUMN ? l.substring(COMMAND_COLUMN) : "");
            }
        }
        return lines;
    }
}
