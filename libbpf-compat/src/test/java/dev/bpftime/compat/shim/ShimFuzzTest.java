package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 10,000 random bpf() calls per seed through the shim (syscall-shim/src/test/c/cases_fuzz.c): random
 * commands, sizes, attr bytes, pointers into scratch memory, NULL or unmapped memory, small fd numbers.
 * Every call gets a value or an errno, the app keeps no descriptor it did not close, the service stays
 * up and ends with no object and no extra descriptor. Never run against the kernel: random attach
 * commands with a loaded program could touch the host's networking.
 */
class ShimFuzzTest {

    @RegisterExtension
    static final ShimTestHome shim = new ShimTestHome();

    @Test
    void randomCallsGetErrnosAndLeaveNothingBehind() throws Exception {
        Path run = shim.runtimeDir("fuzz");
        ProcessHandle service = shim.warm(run);
        int before = ShimTestHome.descriptors(service, -1);
        for (String seed : new String[] {"1", "0x5eed", "424242"}) {
            Run.Result r = shim.cases(run, "fuzz", "10000", seed);
            assertEquals(0, r.code(), r.describe());
            assertEquals("", r.err(), r.describe());
            assertTrue(r.out().contains("fuzz.calls: 10000"), r.describe());
            System.out.println("fuzz seed " + seed + ": " + r.lines().get(2));
        }
        assertTrue(service.isAlive(), "the service survived");
        assertEquals(ShimHome.service(run).orElseThrow().pid(), service.pid(), "and is the same process");
        assertEquals(before, ShimTestHome.descriptors(service, before), "service descriptors after the fuzzing");
        Run.Result count = shim.cases(run, "count");
        assertEquals("count.progs: 0 (walk ended with ENOENT)\n", count.out(), count.describe());
    }
}
