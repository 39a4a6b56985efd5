package dev.bpftime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shim from a copy of dist/, as a user gets it: Debian's bpftool, run as nobody (who may not use the
 * kernel's BPF), lists programs through LD_PRELOAD=libbpftime-syscall.so, which starts the service from
 * the copy's bin/bpftime by itself.
 */
class ShimDistTest {

    @RegisterExtension
    final DistHome dist = new DistHome();

    @Test
    void bpftoolAsNobodyListsProgramsThroughTheShim() throws Exception {
        Unprivileged.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/bpftool")), "needs /usr/sbin/bpftool (Debian package bpftool)");
        // A runtime folder of nobody's own, so this test starts a service of its own.
        Path runtime = dist.nobodysRuntimeDir();

        Command.Result kernel = Unprivileged.command(dist.temp(), "/usr/sbin/bpftool", "prog", "show").run();
        assertNotEquals(0, kernel.code(), "nobody must not be able to use the kernel's BPF here: " + kernel.describe());

        Command.Result r = dist.nobodyUnderShim(runtime, "/usr/sbin/bpftool", "prog", "show").run();
        assertEquals(0, r.code(), r.describe());
        assertEquals("", r.out(), "no programs loaded yet: " + r.describe());
        assertTrue(Files.exists(runtime.resolve("bpftime/service.log")), "the shim started the service, which logs");
    }

    /** The maps of a session: bpftool map create arguments after the pin path, and the updates made. */
    private static final String[][] MAPS = {
        {"hmap", "type", "hash", "key", "4", "value", "8", "entries", "16", "name", "hmap"},
        {"amap", "type", "array", "key", "4", "value", "4", "entries", "3", "name", "amap"},
        {"pmap", "type", "percpu_array", "key", "4", "value", "4", "entries", "2", "name", "pmap"},
    };
    private static final String[][] UPDATES = {
        {"hmap", "key", "1", "0", "0", "0", "value", "1", "2", "3", "4", "5", "6", "7", "8"},
        {"hmap", "key", "2", "0", "0", "0", "value", "0xff", "0", "0", "0", "0", "0", "0", "9"},
        {"amap", "key", "2", "0", "0", "0", "value", "9", "0", "0", "0"},
        {"pmap", "key", "1", "0", "0", "0", "value", "7", "0", "0", "0"},
    };

    /**
     * A session of nobody's under the shim creates a hash, an array and a per-CPU array with bpftool
     * (pinned, so they live on in the service) and fills them; then `bpftool map show`, `map dump id N`
     * (plain and JSON) and `map dump pinned` as nobody must print what the kernel's bpftool prints for
     * the same maps made the same way as root: ids compared by order, memlock left out (the kernel's
     * accounting of its own memory).
     */
    @Test
    void bpftoolAsNobodyShowsAndDumpsTheMapsOfASessionAsTheKernels() throws Exception {
        Unprivileged.assumeAvailable();
        Path bpftool = Path.of("/usr/sbin/bpftool");
        assumeTrue(Files.isExecutable(bpftool), "needs /usr/sbin/bpftool (Debian package bpftool)");
        Path bpffs = Path.of("/sys/fs/bpf");
        assumeTrue(Files.readString(Path.of("/proc/self/mounts")).contains(" /sys/fs/bpf bpf "),
                "the kernel's side needs a bpf file system at /sys/fs/bpf");
        Path runtime = dist.nobodysRuntimeDir();

        Path kernelPins = Files.createDirectory(bpffs.resolve("bpftime-shimdist-" + ProcessHandle.current().pid()));
        Session kernel = new Session(kernelPins.toString(), null);
        // pins right in the emulated /sys/fs/bpf: bpftool checks with statfs that the pin's folder is a bpf
        // file system, which the shim answers for the emulated mount
        Session ours = new Session("/sys/fs/bpf", runtime);
        try {
            List<String> kernelShow = new ArrayList<>();
            List<String> kernelDumps = new ArrayList<>();
            for (String[] m : MAPS) {
                kernel.ok("map", "create", kernel.pin(m[0]), m);
            }
            for (String[] u : UPDATES) {
                kernel.ok("map", "update", "pinned", kernel.pin(u[0]), u);
            }
            for (String[] m : MAPS) {
                kernelShow.add(kernel.ok("map", "show", "pinned", kernel.pin(m[0])));
                kernelDumps.add(kernel.ok("map", "dump", "pinned", kernel.pin(m[0])));
                kernelDumps.add(kernel.ok("-j", "map", "dump", "pinned", kernel.pin(m[0])));
            }

            for (String[] m : MAPS) {
                ours.ok("map", "create", ours.pin(m[0]), m);
            }
            for (String[] u : UPDATES) {
                ours.ok("map", "update", "pinned", ours.pin(u[0]), u);
            }
            String show = ours.ok("map", "show");
            List<String> ids = new ArrayList<>();
            for (String line : show.split("\n")) {
                if (!line.startsWith("\t")) {
                    ids.add(line.substring(0, line.indexOf(':')));
                }
            }
            assertEquals(MAPS.length, ids.size(), "one map per map the session made: " + show);
            assertEquals(normalize(String.join("", kernelShow)), normalize(show), "bpftool map show");
            List<String> ourDumps = new ArrayList<>();
            for (int i = 0; i < MAPS.length; i++) {
                String byId = ours.ok("map", "dump", "id", ids.get(i));
                assertEquals(byId, ours.ok("map", "dump", "pinned", ours.pin(MAPS[i][0])), "dump by id and by pin");
                ourDumps.add(byId);
                ourDumps.add(ours.ok("-j", "map", "dump", "id", ids.get(i)));
            }
            // a hash map's order is the implementation's: its entries compared as sets
            for (int i = 0; i < 2; i++) {
                kernelDumps.set(i, entriesSorted(kernelDumps.get(i)));
                ourDumps.set(i, entriesSorted(ourDumps.get(i)));
            }
            assertEquals(kernelDumps, ourDumps, "bpftool map dump of each map, plain and JSON");
        } finally {
            try (var pins = Files.list(kernelPins)) {
                for (Path pin : pins.toList()) {
                    Files.deleteIfExists(pin);
                }
            }
            Files.deleteIfExists(kernelPins);
        }
    }

    /**
     * coreutils on a pin, as nobody under the shim and as root on the kernel's bpffs: `stat` (type, mode,
     * links, size), `stat -f` (the file system type bpftool and libbpf test) and `rm` without -f, which
     * lstat's the pin first; the map goes with its only pin.
     */
    @Test
    void statAndRmOfAPinAsNobodyAsTheKernels() throws Exception {
        Unprivileged.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/bpftool")), "needs /usr/sbin/bpftool (Debian package bpftool)");
        assumeTrue(Files.readString(Path.of("/proc/self/mounts")).contains(" /sys/fs/bpf bpf "),
                "the kernel's side needs a bpf file system at /sys/fs/bpf");
        Path runtime = dist.nobodysRuntimeDir();
        String name = "bpftime-rm-" + ProcessHandle.current().pid();
        Session kernel = new Session("/sys/fs/bpf", null);
        Session ours = new Session("/sys/fs/bpf", runtime);
        try {
            List<String> seen = new ArrayList<>();
            for (Session side : List.of(kernel, ours)) {
                side.ok("map", "create", side.pin(name), new String[] {name, "type", "array", "key", "4", "value", "4",
                        "entries", "1", "name", "rmme"});
                String stat = side.run("stat", "-c", "%F %a %h %s", side.pin(name))
                        + side.run("stat", "-f", "-c", "%T", side.pin(name))
                        + side.run("rm", side.pin(name))
                        + side.run("stat", "-c", "%F", side.pin(name) + "-gone");
                // a folder: mkdir, a pin in it, ls (opendir, lstat and lgetxattr of each name), rm -r
                // (unlinkat relative to the folder it listed)
                String folder = side.pin(name + "-dir");
                stat += side.run("mkdir", folder);
                side.ok("map", "create", folder + "/m", new String[] {name, "type", "array", "key", "4", "value", "4",
                        "entries", "1", "name", "rmme_too"});
                stat += side.run("ls", "-la", "--time-style=+", folder).replaceAll("(?m)^(\\S+ +\\d+) \\S+ +\\S+", "$1")
                        + side.run("rm", "-r", folder)
                        + side.run("ls", folder);
                seen.add(stat);
                assertTrue(!side.ok("map", "show").contains("rmme"), "the maps went with their pins: " + side.ok("map", "show"));
            }
            assertEquals(seen.get(0), seen.get(1), "stat, stat -f and rm of a pin");
        } finally {
            Files.deleteIfExists(Path.of("/sys/fs/bpf", name));
            Files.deleteIfExists(Path.of("/sys/fs/bpf", name + "-dir", "m"));
            Files.deleteIfExists(Path.of("/sys/fs/bpf", name + "-dir"));
        }
    }

    /**
     * A running session: Debian's opensnoop, as root on the kernel and as nobody under the shim; then
     * bpftool (as root, and as nobody under the shim) lists the maps its programs use (`prog show`'s
     * map_ids, `map show id N`): the same names, types, key, value and entry sizes, flags and "frozen"
     * (from /proc/self/fdinfo). Left out: ids, memlock (each side's own accounting) and btf_id (Linux
     * 6.18 records the object's BTF on a perf event array too; 6.1, which the service follows, only
     * with key/value type ids).
     */
    @Test
    void bpftoolAsNobodyShowsTheMapsOfARunningOpensnoopAsTheKernels() throws Exception {
        Unprivileged.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/bpftool")), "needs /usr/sbin/bpftool (Debian package bpftool)");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/opensnoop")), "needs /usr/sbin/opensnoop (libbpf-tools)");
        Path runtime = dist.nobodysRuntimeDir();
        Session kernel = new Session("", null);
        Session ours = new Session("", runtime);
        List<String> kernelMaps = mapsOfARunningOpensnoop(kernel);
        List<String> ourMaps = mapsOfARunningOpensnoop(ours);
        assertEquals(3, kernelMaps.size(), "opensnoop's maps on the kernel: " + kernelMaps);
        assertEquals(kernelMaps, ourMaps, "opensnoop's maps through bpftool map show");
    }

    /** opensnoop's maps as bpftool shows them while it runs on that side, normalized and sorted. */
    private List<String> mapsOfARunningOpensnoop(Session side) throws Exception {
        List<String> argv = new ArrayList<>(List.of("stdbuf", "-oL", "/usr/sbin/opensnoop"));
        if (side.runtime != null) {
            argv.addAll(0, List.of("setpriv", "--reuid=" + Unprivileged.USER, "--regid=" + Unprivileged.GROUP,
                    "--clear-groups"));
        }
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dist.temp().toFile());
        if (side.runtime != null) {
            pb.environment().put("HOME", dist.temp().toString());
            dist.underShim(pb.environment(), side.runtime);
        }
        Path out = Files.createTempFile(dist.temp(), "opensnoop", ".out");
        Process tool = pb.redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.currentTimeMillis() + 90_000;
            while (!Files.readString(out).startsWith("PID") && tool.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            if (side.runtime == null) {
                assumeTrue(tool.isAlive(), "opensnoop does not run on this kernel as root: " + Files.readString(out));
            }
            assertTrue(tool.isAlive(), "opensnoop under the shim stopped: " + Files.readString(out));
            java.util.Set<String> ids = new java.util.TreeSet<>();
            String prog = null;
            for (String line : side.ok("prog", "show").split("\n")) {
                if (!line.startsWith("\t")) {
                    prog = line;
                } else if (prog.contains("name tracepoint__sys") && line.contains("map_ids ")) {
                    ids.addAll(Arrays.asList(line.substring(line.indexOf("map_ids ") + 8).trim().split("\\s+")[0]
                            .split(",")));
                }
            }
            List<String> maps = new ArrayList<>();
            for (String id : ids) {
                String show = side.ok("map", "show", "id", id);
                maps.add(show.substring(show.indexOf(':') + 1).replaceAll("  memlock \\d+B", "")
                        .replaceAll("\\s*btf_id \\d+", "").trim());
            }
            maps.sort(null);
            return maps;
        } finally {
            tool.destroy();
            tool.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            tool.destroyForcibly();
        }
    }

    /** A dump of one-line entries (plain) or a JSON array of objects, its entries sorted. */
    private static String entriesSorted(String dump) {
        String t = dump.trim();
        if (t.startsWith("[{") && t.endsWith("}]")) {
            List<String> entries = new ArrayList<>(Arrays.asList(t.substring(2, t.length() - 2).split("\\},\\{")));
            entries.sort(null);
            return "[{" + String.join("},{", entries) + "}]";
        }
        List<String> lines = new ArrayList<>(Arrays.asList(t.split("\n")));
        lines.sort(null);
        return String.join("\n", lines);
    }

    /** Map ids as their order of appearance, without the kernel's memlock figures. */
    private static String normalize(String show) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (String line : show.split("\n")) {
            line = line.replaceAll("  memlock \\d+B", "");
            if (!line.startsWith("\t")) {
                line = "#" + (n++) + line.substring(line.indexOf(':'));
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** bpftool runs on one side: as root on the kernel (runtime null) or as nobody under the shim. */
    private final class Session {
        final String pinDir;
        final Path runtime;

        Session(String pinDir, Path runtime) {
            this.pinDir = pinDir;
            this.runtime = runtime;
        }

        String pin(String name) {
            return pinDir + "/" + name;
        }

        /** Runs a command on this side; its exit code and both outputs, as one line each. */
        String run(String... argv) throws Exception {
            Command c;
            if (runtime == null) {
                c = new Command(dist.temp(), List.of(argv));
            } else {
                c = dist.nobodyUnderShim(runtime, argv);
            }
            c.env().put("LC_ALL", "C");
            Command.Result r = c.run();
            return argv[0] + " exit " + r.code() + ": " + r.out().trim() + " | " + r.err().trim() + "\n";
        }

        /** Runs bpftool with the words then the rest of {@code tail} after its first (the map's name). */
        String ok(Object... words) throws Exception {
            List<String> argv = new ArrayList<>(List.of("/usr/sbin/bpftool"));
            for (Object w : words) {
                if (w instanceof String[] tail) {
                    argv.addAll(Arrays.asList(tail).subList(1, tail.length));
                } else {
                    argv.add((String) w);
                }
            }
            Command c;
            if (runtime == null) {
                c = new Command(dist.temp(), argv);
            } else {
                c = dist.nobodyUnderShim(runtime, argv.toArray(String[]::new));
            }
            Command.Result r = c.run();
            assertEquals(0, r.code(), (runtime == null ? "kernel: " : "shim: ") + r.describe());
            assertEquals("", r.err(), (runtime == null ? "kernel: " : "shim: ") + r.describe());
            return r.out();
        }
    }
}
