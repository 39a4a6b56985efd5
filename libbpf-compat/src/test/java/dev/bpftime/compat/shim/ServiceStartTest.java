package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shim's service start: one service for concurrent starters, failing closed, stale sockets, idle exit, no leaks. */
class ServiceStartTest {

    @TempDir
    static Path temp;

    private static ShimHome home;

    @BeforeAll
    static void setUp() throws IOException {
        home = new ShimHome(temp);
    }

    @AfterAll
    static void tearDown() {
        if (home != null) {
            home.close();
        }
    }

    private static Run.Result one(Map<String, String> env) throws Exception {
        return Run.run(temp, env, false, home.program("bpf_cases").toString(), "one");
    }

    private static int count(Path file, String text) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        return (int) Files.readAllLines(file).stream().filter(l -> l.contains(text)).count();
    }

    @Test
    void concurrentFirstCallsStartOneService() throws Exception {
        Path run = home.newRuntimeDir("race");
        List<Run.Started> started = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            started.add(Run.start(temp, home.env(run), false, home.program("bpf_cases").toString(), "one"));
        }
        for (Run.Started s : started) {
            Run.Result r = s.finish();
            assertEquals("one.load: ok 3\n", r.out(), r.describe());
            assertEquals("", r.err(), r.describe());
        }
        assertEquals(1, count(run.resolve("service.log"), "listening on"), "services started for one directory");
        assertEquals(1, count(run.resolve("shim.log"), "started the service"), "shims that started one");
    }

    @Test
    void withoutALauncherTheCallFailsClosedWithEperm() throws Exception {
        Path run = home.newRuntimeDir("no-launcher");
        Map<String, String> env = new HashMap<>(home.env(run));
        env.put("BPFTIME_HOME", temp.resolve("no-such-home").toString());
        Run.Result r = one(env);
        assertEquals("one.load: EPERM\n", r.out(), r.describe());
        assertEquals("", r.err(), "nothing printed into the app's stderr: " + r.describe());
        assertEquals(1, count(run.resolve("shim.log"), "no executable launcher at " + temp.resolve("no-such-home")),
                "the reason is in the shim log");
    }

    @Test
    void aServiceThatEndsAtOnceFailsTheCallWithoutWaitingOutTheTimeout() throws Exception {
        Path run = home.newRuntimeDir("dies");
        Path broken = Files.createDirectories(temp.resolve("broken-home/bin"));
        Path launcher = Files.writeString(broken.resolve("bpftime"), "#!/bin/sh\necho 'no java here' >&2\nexit 1\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = new HashMap<>(home.env(run));
        env.put("BPFTIME_HOME", broken.getParent().toString());
        long start = System.nanoTime();
        Run.Result r = one(env);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals("one.load: EPERM\n", r.out(), r.describe());
        assertTrue(ms < 10_000, "failed after " + ms + " ms, not after the 30 s start timeout");
        assertEquals(1, count(run.resolve("shim.log"), "the service ended before it listened"));
        assertEquals(1, count(run.resolve("service.log"), "no java here"), "its stderr went to service.log");
    }

    @Test
    void theLauncherIsFoundNextToTheLibrary() throws Exception {
        Path run = home.newRuntimeDir("dladdr");
        Map<String, String> env = new HashMap<>(home.env(run));
        env.remove("BPFTIME_HOME");
        Run.Result r = one(env);
        assertEquals("one.load: ok 3\n", r.out(), r.describe());
        assertEquals(1, count(run.resolve("shim.log"), "started the service: " + home.home().resolve("bin/bpftime")));
    }

    @Test
    void aRuntimeDirectoryOthersCanEnterIsRefused() throws Exception {
        Path run = home.newRuntimeDir("too-open");
        Files.createDirectory(run, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run.Result r = one(home.env(run));
        assertEquals("one.load: EPERM\n", r.out(), r.describe());
        assertTrue(!Files.exists(run.resolve("service.sock")), "no service started in it");
    }

    @Test
    void aStaleSocketIsReplaced() throws Exception {
        Path run = home.newRuntimeDir("stale");
        Files.createDirectory(run, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(run.resolve("service.sock")));
        }
        assertTrue(Files.exists(run.resolve("service.sock")), "a socket file nobody listens on");
        Run.Result r = one(home.env(run));
        assertEquals("one.load: ok 3\n", r.out(), r.describe());
    }

    @Test
    void anIdleServiceStopsAndTheNextCallStartsAnother() throws Exception {
        Path run = home.newRuntimeDir("idle");
        Map<String, String> env = new HashMap<>(home.env(run));
        env.put("BPFTIME_SERVICE_IDLE_EXIT", "1");
        assertEquals("one.load: ok 3\n", one(env).out());
        ProcessHandle first = ShimHome.service(run).orElseThrow();
        first.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(!Files.exists(run.resolve("service.sock")), "the socket went with the service");
        assertEquals("one.load: ok 3\n", one(env).out());
        assertEquals(2, count(run.resolve("service.log"), "listening on"));
    }

    @Test
    void theServiceKeepsNoDescriptorOfClosedObjects() throws Exception {
        Path run = home.newRuntimeDir("leaks");
        assertEquals(0, Run.run(temp, home.env(run), false, home.program("bpf_cases").toString(), "life").code());
        ProcessHandle service = ShimHome.service(run).orElseThrow();
        int before = ShimTestHome.descriptors(service, -1);
        for (int i = 0; i < 3; i++) {
            Run.Result r = Run.run(temp, home.env(run), false, home.program("bpf_cases").toString(), "life");
            assertEquals(0, r.code(), r.describe());
        }
        assertEquals(before, ShimTestHome.descriptors(service, before), "descriptors of the service after three more sessions");
        Run.Result count = Run.run(temp, home.env(run), false, home.program("bpf_cases").toString(), "count");
        assertEquals("count.progs: 0 (walk ended with ENOENT)\n", count.out(), count.describe());
    }
}
