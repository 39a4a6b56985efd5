package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input per bpf() command (syscall-shim/src/test/c/cases_badinput.c): 300 cases for each of the
 * 38 commands of Linux 6.18 (MAP_CREATE twice: an array with BTF, a map of maps) and two unknown
 * numbers, 12,300 in all (random attr sizes, the attr or one of its pointers in unmapped memory, closed and huge
 * descriptors, descriptors of the wrong kind, non-zero unused fields), through the real shim. Every
 * case's errno equals the kernel's (as root) but for {@link KnownDifferences}; the service stays up,
 * and its descriptors and objects are the same before and after.
 */
class BadInputTest {

    private static final String PER_COMMAND = "300";
    private static final String SEED = "0xbad1";

    @TempDir
    static Path temp;

    private static CaseGroups groups;

    @BeforeAll
    static void setUp() throws Exception {
        groups = new CaseGroups(temp, "bad-input", "bpf_cases");
    }

    @AfterAll
    static void tearDown() {
        if (groups != null) {
            groups.close();
        }
    }

    @Test
    void everyCommandGetsAnErrnoAndNothingLeaks() throws Exception {
        Run.Result warm = groups.shim("one");
        assertEquals("one.load: ok 3\n", warm.out(), warm.describe());
        ProcessHandle service = ShimHome.service(groups.rootRun()).orElseThrow();
        List<String> objectsBefore = count();
        int before = ShimTestHome.descriptors(service, -1);
        Run.Result r = groups.shim("badinput", PER_COMMAND, SEED);
        assertEquals(0, r.code(), r.describe());
        assertEquals("", r.err(), r.describe());
        String summary = r.lines().get(r.lines().size() - 2);
        assertTrue(summary.startsWith("badinput.summary: 12300 cases, 41 commands"), summary);
        System.out.println("bad input under the shim: " + summary);
        assertTrue(service.isAlive(), "the service survived");
        assertEquals(service.pid(), ShimHome.service(groups.rootRun()).orElseThrow().pid(), "and is the same process");
        assertEquals(before, ShimTestHome.descriptors(service, before), "service descriptors before vs after");
        assertEquals(objectsBefore, count(), "objects the id walks find before vs after");
    }

    @Test
    void everyErrnoIsTheKernels() throws Exception {
        groups.assumeKernelOracle();
        groups.assertSameAsKernel("badinput", groups.kernel("badinput", PER_COMMAND, SEED),
                groups.shim("badinput", PER_COMMAND, SEED));
    }

    @Test
    void nobodyGetsTheSameErrnos() throws Exception {
        groups.assertSameAsRoot(groups.shim("badinput", PER_COMMAND, SEED), groups.nobody("badinput", PER_COMMAND, SEED));
    }

    private static List<String> count() throws Exception {
        Run.Result c = Run.run(groups.temp(), groups.home().env(groups.rootRun()), false,
                groups.home().program("bpf_cases").toString(), "count-all");
        assertEquals(0, c.code(), c.describe());
        return c.lines();
    }
}
