package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * syscall-shim/src/test/c/libbpf_cases.c, linked with libbpf-dev: BTF, pins and test runs through
 * libbpf's own API, under the shim, against the kernel as root, and as nobody; the transcripts must be
 * equal. Also `bpftool btf show` under the shim lists a BTF object that a running session holds.
 */
class LibbpfApiTest {

    @TempDir
    static Path temp;

    private static ShimHome home;
    private static Path rootRun;
    private static Path nobodyRun;

    @BeforeAll
    static void setUp() throws IOException, InterruptedException {
        home = new ShimHome(temp);
        rootRun = home.newRuntimeDir("api-" + Run.uid());
        nobodyRun = home.newRuntimeDir("api-nobody");
    }

    @AfterAll
    static void tearDown() {
        if (home != null) {
            home.close();
        }
    }

    private static String program() {
        Path p = home.program("libbpf_cases");
        assumeTrue(Files.isRegularFile(p), "libbpf_cases is not built: libbpf-dev (/usr/include/bpf/libbpf.h) is missing");
        return p.toString();
    }

    @Test
    void libbpfApiUnderTheShimAsTheKernel() throws Exception {
        String program = program();
        Run.Result shim = Run.run(temp, home.env(rootRun), false, program);
        assertEquals(0, shim.code(), shim.describe());
        assertEquals("", shim.err(), shim.describe());
        if (Run.isRoot()) {
            Run.Result kernel = Run.run(temp, Map.of(), false, program);
            assumeTrue(!kernel.out().contains("api.btf.load_into_kernel: -"), "kernel BPF is not usable here");
            assertEquals(0, kernel.code(), kernel.describe());
            assertEquals(String.join("\n", kernel.lines()), String.join("\n", shim.lines()), "libbpf API: shim vs kernel");
            System.out.println("differential libbpf api: " + kernel.lines().size() + " observations equal to the kernel's");
        }
        Run.assumeNobodyAvailable();
        Run.Result nobody = Run.run(temp, home.env(nobodyRun), true, program);
        assertEquals(0, nobody.code(), nobody.describe());
        assertEquals(String.join("\n", shim.lines()), String.join("\n", nobody.lines()), "as nobody vs as " + Run.uid());
    }

    @Test
    void bpftoolBtfShowListsALoadedBtf() throws Exception {
        Path bpftool = List.of(Path.of("/usr/sbin/bpftool"), Path.of("/usr/bin/bpftool")).stream()
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(bpftool != null, "bpftool (Debian package bpftool) is not installed");
        Path run = home.newRuntimeDir("bpftool-" + Run.uid());
        // A session that holds a BTF object while bpftool, another process of the same user, lists them.
        ProcessBuilder pb = new ProcessBuilder(home.program("bpf_cases").toString(), "hold-btf")
                .directory(temp.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(home.env(run));
        Process holder = pb.start();
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8)).readLine();
            assertTrue(line != null && line.startsWith("hold-btf.id: "), "the holder did not load its BTF: " + line);
            String id = line.substring("hold-btf.id: ".length()).trim();
            Run.Result show = Run.run(temp, home.env(run), false, bpftool.toString(), "btf", "show");
            assertEquals(0, show.code(), show.describe());
            assertEquals("", show.err(), show.describe());
            assertTrue(show.out().startsWith(id + ": "), "bpftool btf show lists BTF " + id + ":\n" + show.describe());
            assertTrue(show.out().contains("size 102B"), show.describe());
            System.out.println("bpftool btf show under the shim: " + show.out().trim());
        } finally {
            holder.getOutputStream().close();
            holder.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            holder.destroyForcibly();
        }
    }
}
