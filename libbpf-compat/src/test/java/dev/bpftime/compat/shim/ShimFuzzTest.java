package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 random bpf() calls per seed through the shim (syscall-shim/src/test/c/cases_fuzz.c): random
 * commands, sizes, attr bytes, pointers into scratch memory, NULL or unmapped memory, small fd numbers.
 * Every call gets a value or an errno, the app keeps no descriptor it did not close, the service stays
 * up and ends with no object and no extra descriptor. Never run against the kernel: random attach
 * commands with a loaded program could touch the host's networking.
 */
class ShimFuzzTest {

    @TempDir
    static Path temp;

    private static ShimHome home;

    @BeforeAll
    static void setUp() throws Exception {
        home = new ShimHome(temp);
    }

    @AfterAll
    static void tearDown() {
        if (home != null) {
            home.close();
        }
    }

    @Test
    void randomCallsGetErrnosAndLeaveNothingBehind() throws Exception {
        Path run = home.newRuntimeDir("fuzz");
        Run.Result warm = Run.run(temp, home.env(run), false, home.program("bpf_cases").toString(), "one");
        assertEquals("one.load: ok 3\n", warm.out(), warm.describe());
        ProcessHandle service = ShimHome.service(run).orElseThrow();
        int before = descriptors(service, -1);
        for (String seed : new String[] {"1", "0x5eed", "424242"}) {
            Run.Result r = Run.run(temp, home.env(run), false, home.program("bpf_cases").toString(), "fuzz", "10000",
                    seed);
            assertEquals(0, r.code(), r.describe());
            assertEquals("", r.err(), r.describe());
            assertTrue(r.out().contains("fuzz.calls: 10000"), r.describe());
            System.out.println("fuzz seed " + seed + ": " + r.lines().get(2));
        }
        assertTrue(service.isAlive(), "the service survived");
        assertEquals(ShimHome.service(run).orElseThrow().pid(), service.pid(), "and is the same process");
        assertEquals(before, descriptors(service, before), "service descriptors after the fuzzing");
        Run.Result count = Run.run(temp, home.env(run), false, home.program("bpf_cases").toString(), "count");
        assertEquals("count.progs: 0 (walk ended with ENOENT)\n", count.out(), count.describe());
    }

    /** The service's open descriptors once the hang-ups of exited sessions are processed. */
    static int descriptors(ProcessHandle p, int expected) throws Exception {
        int n = -1;
        for (int i = 0; i < 100; i++) {
            try (var s = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
                n = (int) s.count();
            }
            if (n == expected || (expected < 0 && i > 10)) {
                break;
            }
            Thread.sleep(50);
        }
        return n;
    }
}
