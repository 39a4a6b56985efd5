package dev.bpftime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * `bpftool perf` lists a running session's attachments: a libbpf loader (syscall-shim's libbpf_attach,
 * libbpf's own attach functions) holds a tracepoint, a raw tracepoint, a uprobe and a uretprobe on its
 * own function, as root on the kernel and as nobody under the shim of a dist/ copy. bpftool walks
 * /proc/PID/fd of every process it may read and asks BPF_TASK_FD_QUERY of each descriptor; the lines
 * of the loader's pid must be the kernel's, plain and JSON, but for the pid and the program ids (each
 * side's own; numbered by order of appearance here).
 */
class BpftoolPerfTest {

    private static final Path BPFTOOL = Path.of("/usr/sbin/bpftool");

    @RegisterExtension
    final DistHome dist = new DistHome();
    private Path loader;
    private Path object;

    @BeforeEach
    void copyLoader() throws IOException {
        Path built = Path.of(System.getProperty("bpftime.root"), "syscall-shim", "target", "test-bin");
        assumeTrue(Files.isRegularFile(built.resolve("libbpf_attach")),
                "syscall-shim's libbpf_attach is built only where libbpf-dev and clang are installed");
        Path bin = Files.createDirectories(dist.temp().resolve("bin"));
        loader = Files.copy(built.resolve("libbpf_attach"), bin.resolve("libbpf_attach"), StandardCopyOption.COPY_ATTRIBUTES);
        object = Files.copy(built.resolve("attach.bpf.o"), bin.resolve("attach.bpf.o"));
        Files.setPosixFilePermissions(loader, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(object, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @Test
    void bpftoolPerfAsNobodyListsASessionsAttachmentsAsTheKernels() throws Exception {
        Unprivileged.assumeAvailable();
        assumeTrue(Files.isExecutable(BPFTOOL), "needs /usr/sbin/bpftool (Debian package bpftool)");
        Map<String, String> shim = new HashMap<>();
        dist.underShim(shim, dist.nobodysRuntimeDir());

        List<List<String>> kernel = listed(null);
        assumeTrue(kernel.get(0).size() == 4, "the kernel's side did not attach as root here: " + kernel);
        assertEquals(4, kernel.get(1).size(), "the kernel's JSON entries of the loader: " + kernel);
        List<List<String>> ours = listed(shim);
        assertEquals(kernel.get(0), ours.get(0), "bpftool perf");
        assertEquals(kernel.get(1), ours.get(1), "bpftool -j perf");
        assertTrue(ours.get(0).stream().anyMatch(l -> l.contains("raw_tracepoint  sys_enter")), ours.get(0).toString());
    }

    /** The loader holding its attachments on one side (shim null: root on the kernel); what bpftool lists of it. */
    private List<List<String>> listed(Map<String, String> shim) throws Exception {
        List<String> argv = new ArrayList<>(List.of(loader.toString(), object.toString(), "hold"));
        if (shim != null) {
            argv.addAll(0, List.of("setpriv", "--reuid=" + Unprivileged.USER, "--regid=" + Unprivileged.GROUP,
                    "--clear-groups"));
        }
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dist.temp().toFile());
        if (shim != null) {
            pb.environment().put("HOME", dist.temp().toString());
            pb.environment().putAll(shim);
        }
        Path out = Files.createTempFile(dist.temp(), "loader", ".out");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-rw-rw-"));
        Process p = pb.redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!Files.readString(out).contains("holding ") && p.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            String said = Files.readString(out);
            if (shim == null && !said.contains("holding ")) {
                return List.of(List.of(said), List.of());
            }
            assertTrue(said.contains("holding "), "the loader under the shim did not attach:\n" + said);
            long pid = p.pid();
            return List.of(mine(bpftool(shim, "perf"), pid, false), mine(bpftool(shim, "-j", "perf"), pid, true));
        } finally {
            p.getOutputStream().close(); // stdin ends: the loader closes its object and exits
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private String bpftool(Map<String, String> shim, String... words) throws Exception {
        List<String> argv = new ArrayList<>(List.of(BPFTOOL.toString()));
        argv.addAll(List.of(words));
        Command c;
        if (shim == null) {
            c = new Command(dist.temp(), argv);
        } else {
            c = Unprivileged.command(dist.temp(), argv.toArray(String[]::new));
            c.env().putAll(shim);
        }
        Command.Result r = c.run();
        assertEquals(0, r.code(), (shim == null ? "kernel: " : "shim: ") + r.describe());
        assertEquals("", r.err(), (shim == null ? "kernel: " : "shim: ") + r.describe());
        return r.out();
    }

    private static final Pattern PLAIN = Pattern.compile("^pid (\\d+)  fd (\\d+): prog_id (\\d+)  (.*)$");
    private static final Pattern JSON = Pattern.compile("^\\{\"pid\":(\\d+),\"fd\":(\\d+),\"prog_id\":(\\d+),(.*)\\}$");

    /** The entries of one pid, by fd, with the pid taken out and program ids numbered by first appearance. */
    static List<String> mine(String output, long pid, boolean json) {
        List<String> entries = new ArrayList<>();
        if (json) {
            String t = output.trim();
            if (t.startsWith("[") && t.endsWith("]")) {
                t = t.substring(1, t.length() - 1);
            }
            for (String e : t.isEmpty() ? new String[0] : t.split("(?<=\\}),(?=\\{)")) {
                entries.add(e);
            }
        } else {
            entries.addAll(List.of(output.split("\n")));
        }
        List<String[]> kept = new ArrayList<>();
        for (String e : entries) {
            Matcher m = (json ? JSON : PLAIN).matcher(e);
            if (m.matches() && Long.parseLong(m.group(1)) == pid) {
                kept.add(new String[] {m.group(2), m.group(3), m.group(4)});
            }
        }
        kept.sort((a, b) -> Integer.compare(Integer.parseInt(a[0]), Integer.parseInt(b[0])));
        Map<String, Integer> progs = new HashMap<>();
        List<String> result = new ArrayList<>();
        for (String[] k : kept) {
            int prog = progs.computeIfAbsent(k[1], x -> progs.size() + 1);
            result.add("fd " + k[0] + " prog #" + prog + " " + k[2]);
        }
        return result;
    }
}
