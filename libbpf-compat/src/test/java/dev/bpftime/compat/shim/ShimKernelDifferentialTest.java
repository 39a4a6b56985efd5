package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private static CaseGroups groups;

    @BeforeAll
    static void setUp() throws IOException, InterruptedException {
        groups = new CaseGroups(temp, "bpf-cases", "bpf_cases");
    }

    @AfterAll
    static void tearDown() {
        if (groups != null) {
            groups.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"attr", "load", "log", "info", "ids", "life", "btf", "testrun", "pin", "maps", "mapinmap", "fields", "mmap", "sessions"})
    void shimMeetsTheKernelsContract(String group) throws Exception {
        Run.Result r = groups.shim(group);
        assertEquals(0, r.code(), r.describe());
        assertEquals("", r.err(), "the shim must print nothing of its own:\n" + r.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"attr", "load", "log", "info", "ids", "life", "btf", "testrun", "pin", "maps", "mapinmap", "fields", "mmap", "sessions"})
    void shimAnswersAsTheKernel(String group) throws Exception {
        groups.assumeKernelOracle();
        groups.assertSameAsKernel(group, groups.kernel(group), groups.shim(group));
    }

    @ParameterizedTest
    @ValueSource(strings = {"attr", "load", "log", "info", "ids", "life", "btf", "testrun", "pin", "maps", "mapinmap", "fields", "mmap", "sessions"})
    void shimWorksForAnUnprivilegedUser(String group) throws Exception {
        groups.assertSameAsRoot(groups.shim(group), groups.nobody(group));
        assertEquals(65534, (Integer) Files.getAttribute(groups.nobodyRun(), "unix:uid"),
                "the runtime directory belongs to its user");
    }

    @org.junit.jupiter.api.Test
    void nobodyHasNoKernelBpfButHasTheShims() throws Exception {
        Run.assumeNobodyAvailable();
        ShimHome home = groups.home();
        Run.Result kernel = Run.run(temp, Map.of(), true, home.program("bpf_cases").toString(), "one");
        assumeTrue(kernel.out().equals("one.load: EPERM\n"),
                "this kernel lets unprivileged users use BPF (" + kernel.out().trim() + "): nothing to show");
        Run.Result shimmed = groups.nobody("one");
        assertEquals("one.load: ok 3\n", shimmed.out(), shimmed.describe());
    }
}
