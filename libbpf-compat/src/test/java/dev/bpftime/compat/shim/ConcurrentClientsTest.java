package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The service serves its clients concurrently: while one client's PROG_TEST_RUN repeats a program
 * for seconds, another client loads a program and gets its answer at once.
 */
class ConcurrentClientsTest {

    @RegisterExtension
    static final ShimTestHome shim = new ShimTestHome();

    /** How many runs of the test program take about that long on this machine now (a short run timed). */
    private static long repeatsForSeconds(Path run, int seconds) throws Exception {
        long t0 = System.nanoTime();
        Run.Result base = shim.cases(run, "one");
        long t1 = System.nanoTime();
        Run.Result probe = shim.cases(run, "testrun-long", "20000");
        long t2 = System.nanoTime();
        assertEquals("testrun-long.run: ok", probe.lines().get(1), probe.describe() + base.describe());
        double perRun = Math.max(1, (t2 - t1) - (t1 - t0)) / 20000.0;
        return Math.max(20000, Math.min(50_000_000L, (long) (seconds * 1e9 / perRun)));
    }

    @Test
    void aLongTestRunDoesNotBlockAnotherClient() throws Exception {
        Path run = shim.runtimeDir("concurrent");
        shim.warm(run);
        ProcessBuilder pb = new ProcessBuilder(shim.home().program("bpf_cases").toString(), "testrun-long",
                Long.toString(repeatsForSeconds(run, 4)))
                .directory(shim.temp().toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(shim.home().env(run));
        Process slow = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(slow.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("testrun-long.started: yes", out.readLine());
            Thread.sleep(300); // its PROG_TEST_RUN is now running in the service
            long start = System.nanoTime();
            Run.Result quick = shim.cases(run, "one");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals("one.load: ok 3\n", quick.out(), quick.describe());
            assertTrue(slow.isAlive(), "the long test run should still be running (make it longer if this machine "
                    + "is fast): the other client's answer then proves nothing");
            System.out.println("concurrent clients: a load answered in " + ms + " ms during another client's test run");
            assertTrue(ms < 5_000, "a load took " + ms + " ms while another client's test run ran");
            assertTrue(slow.waitFor(120, TimeUnit.SECONDS), "the long test run ends");
            assertEquals("testrun-long.run: ok", out.readLine());
        } finally {
            slow.destroyForcibly();
        }
    }
}
