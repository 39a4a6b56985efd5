package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * syscall-shim/src/test/c/libbpf_cases.c, linked with libbpf-dev: every bpf() command through libbpf's
 * own API (BTF, pins, test runs, loads with logs, info for each kind, ids, links, PROG_BIND_MAP, the map
 * calls libbpf_maps leaves out), one group at a time, under the shim, against the kernel as root, and as
 * nobody; the transcripts must be equal but for {@link KnownDifferences}. Also `bpftool btf show` under
 * the shim lists a BTF object that a running session holds.
 */
class LibbpfApiTest {

    @TempDir
    static Path temp;

    private static CaseGroups groups;
    private static ShimHome home;

    @BeforeAll
    static void setUp() throws IOException, InterruptedException {
        groups = new CaseGroups(temp, "libbpf-api", "libbpf_cases");
        home = groups.home();
    }

    @AfterAll
    static void tearDown() {
        if (groups != null) {
            groups.close();
        }
    }

    private static void assumeBuilt() {
        assumeTrue(Files.isRegularFile(home.program("libbpf_cases")),
                "libbpf_cases is not built: libbpf-dev (/usr/include/bpf/libbpf.h) is missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"btf", "pin", "testrun", "prog", "info", "ids", "link", "bind", "maps"})
    void libbpfApiWorksUnderTheShim(String group) throws Exception {
        assumeBuilt();
        groups.assertMeetsExpectations(groups.shim(group));
    }

    @ParameterizedTest
    @ValueSource(strings = {"btf", "pin", "testrun", "prog", "info", "ids", "link", "bind", "maps"})
    void libbpfApiUnderTheShimAsTheKernel(String group) throws Exception {
        assumeBuilt();
        groups.assumeKernelOracle();
        assumeTrue(Files.isReadable(Path.of("/sys/kernel/tracing/events/syscalls/sys_enter_getppid/id")),
                "the kernel oracle of the link group needs tracefs mounted at /sys/kernel/tracing");
        groups.assertSameAsKernel(group, groups.kernel(group), groups.shim(group));
    }

    @ParameterizedTest
    @ValueSource(strings = {"btf", "pin", "testrun", "prog", "info", "ids", "link", "bind", "maps"})
    void libbpfApiWorksForAnUnprivilegedUser(String group) throws Exception {
        assumeBuilt();
        groups.assertMeetsExpectations(groups.shim(group));
        groups.assertSameAsRoot(groups.shim(group), groups.nobody(group));
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
            // First the kernel's own BTF, as on the kernel (BTF object 1, registered before any BTF_LOAD).
            assertTrue(show.out().matches("(?s)1: name \\[vmlinux\\]  size \\d+B\n.*")
                    || !Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "vmlinux first:\n" + show.describe());
            assertTrue(show.out().lines().anyMatch(l -> l.startsWith(id + ": ")), "bpftool btf show lists BTF " + id
                    + ":\n" + show.describe());
            assertTrue(show.out().contains("size 102B"), show.describe());
            System.out.println("bpftool btf show under the shim: " + show.out().trim());
        } finally {
            holder.getOutputStream().close();
            holder.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            holder.destroyForcibly();
        }
    }
}
