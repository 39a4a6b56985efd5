package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The C cases of syscall-shim/src/test/c, each calling syscall(__NR_bpf, ...) as libbpf does, run
 * under the shim (which starts the service by itself) and, as root, against the kernel: the
 * transcripts must be equal line for line. The C program also checks every observation against the
 * kernel's documented behaviour, so the shim runs are judged even where no kernel oracle is available,
 * and the kernel run validates those expectations. As root the shim run is repeated as user nobody,
 * whose kernel BPF is disabled (unprivileged_bpf_disabled), with the same transcript.
 */
class ShimKernelDifferentialTest {

    @TempDir
    static Path temp;

    private static ShimHome home;
    private static Path rootRun;
    private static Path nobodyRun;
    private static final Map<String, Run.Result> SHIM = new HashMap<>();

    @BeforeAll
    static void setUp() throws IOException, InterruptedException {
        home = new ShimHome(temp);
        rootRun = home.newRuntimeDir("as-" + Run.uid());
        nobodyRun = home.newRuntimeDir("as-nobody");
    }

    @AfterAll
    static void tearDown() {
        if (home != null) {
            home.close();
        }
    }

    private static Run.Result shim(String group) throws IOException, InterruptedException {
        Run.Result r = SHIM.get(group);
        if (r == null) {
            r = Run.run(temp, home.env(rootRun), false, home.program("bpf_cases").toString(), group);
            SHIM.put(group, r);
        }
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"attr", "load", "log", "info", "ids", "life", "btf", "testrun", "pin", "maps", "mmap"})
    void shimMeetsTheKernelsContract(String group) throws Exception {
        Run.Result r = shim(group);
        assertEquals(0, r.code(), r.describe());
        assertEquals("", r.err(), "the shim must print nothing of its own:\n" + r.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"attr", "load", "log", "info", "ids", "life", "btf", "testrun", "pin", "maps", "mmap"})
    void shimAnswersAsTheKernel(String group) throws Exception {
        assumeTrue(Run.isRoot(), "the kernel oracle needs root (bpf() is privileged here)");
        Run.Result kernel = Run.run(temp, Map.of(), false, home.program("bpf_cases").toString(), "one");
        assumeTrue(kernel.out().contains("one.load: ok"), "kernel BPF is not usable here: " + kernel.out().trim());
        kernel = Run.run(temp, Map.of(), false, home.program("bpf_cases").toString(), group);
        assertEquals(0, kernel.code(), "the C case's expectations do not hold on this kernel:\n" + kernel.describe());
        List<String> expected = kernel.lines();
        assertEquals(String.join("\n", expected), String.join("\n", shim(group).lines()),
                "transcript under the shim vs the kernel's for group " + group);
        System.out.println("differential " + group + ": " + expected.size() + " observations equal to the kernel's");
    }

    @ParameterizedTest
    @ValueSource(strings = {"attr", "load", "log", "info", "ids", "life", "btf", "testrun", "pin", "maps", "mmap"})
    void shimWorksForAnUnprivilegedUser(String group) throws Exception {
        Run.assumeNobodyAvailable();
        Run.Result nobody = Run.run(temp, home.env(nobodyRun), true, home.program("bpf_cases").toString(), group);
        assertEquals(0, nobody.code(), nobody.describe());
        assertEquals("", nobody.err(), nobody.describe());
        assertEquals(String.join("\n", shim(group).lines()), String.join("\n", nobody.lines()),
                "transcript as nobody vs as " + Run.uid());
        assertEquals(65534, (Integer) Files.getAttribute(nobodyRun, "unix:uid"),
                "the runtime directory belongs to its user");
    }

    @org.junit.jupiter.api.Test
    void nobodyHasNoKernelBpfButHasTheShims() throws Exception {
        Run.assumeNobodyAvailable();
        Run.Result kernel = Run.run(temp, Map.of(), true, home.program("bpf_cases").toString(), "one");
        assumeTrue(kernel.out().equals("one.load: EPERM\n"),
                "this kernel lets unprivileged users use BPF (" + kernel.out().trim() + "): nothing to show");
        Run.Result shimmed = Run.run(temp, home.env(nobodyRun), true, home.program("bpf_cases").toString(), "one");
        assertEquals("one.load: ok 3\n", shimmed.out(), shimmed.describe());
    }
}
