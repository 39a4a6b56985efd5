package dev.bpftime.syscallhooks;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The oracle: `strace -ff -n -e raw=all -o PREFIX`, one file per thread, every argument a raw
 * number. Of each process image it keeps what follows the hooks' installation (the first
 * prctl(PR_SET_SYSCALL_USER_DISPATCH=0x3b, ON) of the image), and drops what the kernel shows
 * of our handlers' own work: from a SIGSYS or a SIGILL (a site turned into ud2) to the
 * rt_sigreturn of our handler. After a trap the syscall it stood for follows, run by the hooks.
 */
final class StraceTrace {
    private static final Pattern LINE = Pattern.compile("^\\[\\s*(\\d+)\\] (.*)$");
    private static final Pattern CALL = Pattern.compile("^(\\w+)\\((.*)\\)\\s+= (.*)$");
    private static final Pattern RET_ERR = Pattern.compile("^-1 (E[A-Z_0-9]+) .*$");
    static final long SYS_RT_SIGRETURN = 15, SYS_PRCTL = 157, SYS_EXECVE = 59;
    static final long PR_SET_SYSCALL_USER_DISPATCH = 0x3b;

    final Map<Integer, List<SyscallEvent>> byTid = new TreeMap<>();
    /** Threads and processes created by the workload, whose first syscalls follow their clone. */
    final java.util.Set<Integer> children = new java.util.TreeSet<>();

    StraceTrace(Path prefix, Map<String, Integer> errnos) throws IOException {
        String base = prefix.getFileName().toString() + ".";
        try (Stream<Path> files = Files.list(prefix.getParent())) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().startsWith(base))::iterator) {
                int tid = Integer.parseInt(f.getFileName().toString().substring(base.length()));
                byTid.put(tid, parse(f, errnos));
                if (isChild(f)) {
                    children.add(tid);
                }
            }
        }
    }

    private static List<SyscallEvent> parse(Path f, Map<String, Integer> errnos) throws IOException {
        List<SyscallEvent> out = new ArrayList<>();
        boolean beforeInstall = !isChild(f);
        boolean inTrap = false;
        for (String raw : Files.readAllLines(f)) {
            Matcher m = LINE.matcher(raw);
            assertTrue(m.matches(), f + ": unexpected strace line: " + raw);
            long nr = Long.parseLong(m.group(1));
            String rest = m.group(2);
            if (rest.startsWith("---")) {
                if (rest.startsWith("--- SIGSYS") || rest.startsWith("--- SIGILL")) {
                    /* our handlers take every SIGSYS and SIGILL: a trap, or one they forward to
                     * the application's handler, which then returns through our rt_sigreturn */
                    inTrap = true;
                }
                continue;
            }
            if (rest.startsWith("+++")) {
                continue;
            }
            Matcher c = CALL.matcher(rest);
            if (!c.matches()) {
                /* an unfinished line of a syscall that never returned (exit, exit_group) */
                assertTrue(rest.endsWith("= ?") || rest.contains("<unfinished"), f + ": cannot read: " + raw);
                out.add(new SyscallEvent(nr, args(rest.substring(rest.indexOf('(') + 1, rest.lastIndexOf(')'))), null, raw));
                continue;
            }
            long[] args = args(c.group(2));
            Long ret = result(c.group(3), errnos, raw);
            if (inTrap) {
                if (nr == SYS_RT_SIGRETURN) {
                    inTrap = false;
                }
                continue;
            }
            if (beforeInstall) {
                if (nr == SYS_PRCTL && args.length > 1 && args[0] == PR_SET_SYSCALL_USER_DISPATCH && args[1] == 1) {
                    beforeInstall = false;
                }
                continue;
            }
            out.add(new SyscallEvent(nr, args, ret, raw));
            if (nr == SYS_EXECVE && ret != null && ret == 0) {
                beforeInstall = true; /* a new image: its loader and our installation come first */
            }
        }
        return out;
    }

    /** A thread or child process file starts right after its clone: the hooks are already on. */
    private static boolean isChild(Path f) throws IOException {
        List<String> lines = Files.readAllLines(f);
        return lines.isEmpty() || !lines.get(0).contains("execve(");
    }

    private static long[] args(String s) {
        if (s.isBlank()) {
            return new long[0];
        }
        String[] parts = s.split(",\\s*");
        long[] a = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            a[i] = number(parts[i].trim());
        }
        return a;
    }

    private static long number(String s) {
        return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
    }

    private static Long result(String s, Map<String, Integer> errnos, String line) {
        s = s.trim();
        if (s.startsWith("?")) {
            return null;
        }
        Matcher e = RET_ERR.matcher(s);
        if (e.matches()) {
            Integer n = errnos.get(e.group(1));
            assertNotNull(n, "unknown errno name " + e.group(1) + " in: " + line);
            return (long) -n;
        }
        int space = s.indexOf(' ');
        return number(space < 0 ? s : s.substring(0, space));
    }
}
