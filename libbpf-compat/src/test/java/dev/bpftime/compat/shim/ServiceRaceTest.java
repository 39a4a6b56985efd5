package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two services starting on one runtime directory. The suspected race (session 1: the socket gone while
 * service.pid stays): a service that is exiting has removed its socket but still holds the pid file's
 * lock; a service started then (by a shim whose call found no socket) used to give up at once with
 * exit 3, leaving no service at all and the shim's call failing with EPERM. Reproduced here by holding
 * the lock from the test, as an exiting service does.
 */
class ServiceRaceTest {

    @RegisterExtension
    static final ShimTestHome shim = new ShimTestHome();

    private static Path privateDir(String name) throws Exception {
        Path dir = shim.runtimeDir(name);
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return dir;
    }

    private static Process service(Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(shim.home().home().resolve("bin/bpftime").toString(), "service",
                "--runtime-dir", dir.toString(), "--idle-exit", "0").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb.start();
    }

    @Test
    void twoServicesStartedAtOnceLeaveOneServing() throws Exception {
        for (int round = 0; round < 3; round++) {
            Path dir = privateDir("two-at-once-" + round);
            List<Process> both = List.of(service(dir), service(dir));
            try {
                Process loser = null;
                for (int i = 0; i < 600 && loser == null; i++) {
                    loser = both.stream().filter(p -> !p.isAlive()).findFirst().orElse(null);
                    Thread.sleep(50);
                }
                assertTrue(loser != null, "one of two services on one directory must give up");
                assertEquals(3, loser.exitValue(), "the second service's exit status (another one serves)");
                Process winner = both.get(0) == loser ? both.get(1) : both.get(0);
                assertTrue(winner.isAlive(), "the first one still serves");
                assertEquals(winner.pid(), ShimHome.service(dir).orElseThrow().pid(), "service.pid names it");
                assertTrue(Files.exists(dir.resolve("service.sock")), "and its socket is there");
                shim.warm(dir);
            } finally {
                both.forEach(Process::destroy);
                for (Process p : both) {
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Test
    void aServiceStartedWhileTheLastOneExitsTakesOver() throws Exception {
        Path dir = privateDir("exiting");
        Path pidFile = dir.resolve("service.pid");
        Process next;
        try (FileChannel pid = FileChannel.open(pidFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            // An exiting service: its socket removed, the pid file's lock still held.
            FileLock exiting = pid.lock();
            assertTrue(exiting.isValid());
            assertTrue(!Files.exists(dir.resolve("service.sock")));
            next = service(dir);
            Thread.sleep(1500);
            assertTrue(next.isAlive(), "a service started meanwhile waits for the exiting one instead of giving "
                    + "up (exit " + (next.isAlive() ? "-" : next.exitValue()) + ")");
        }
        try {
            for (int i = 0; i < 600 && !Files.exists(dir.resolve("service.sock")); i++) {
                Thread.sleep(50);
            }
            assertTrue(next.isAlive(), "it serves once the lock is free");
            assertEquals(next.pid(), ShimHome.service(dir).orElseThrow().pid(), "service.pid names it");
            shim.warm(dir);
        } finally {
            next.destroy();
            next.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
