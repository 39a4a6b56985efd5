package dev.bpftime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's libbpf-tools, run as a user runs them but as nobody (who may not use the kernel's BPF) under
 * LD_PRELOAD=libbpftime-syscall.so from a copy of dist/: each loads and attaches all its programs with no
 * libbpf warning, prints its header, runs until SIGINT and exits 0. (Events arrive once the agent lands.)
 */
class LibbpfToolsShimTest {

    /** Load and attach take about a second (the service's cold start); a tool that failed has exited by then. */
    private static final long RUN_MS = 6_000;

    @TempDir
    private Path tmp;
    private Path home;

    @BeforeEach
    void copyDist() throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        home = tmp.resolve("bpftime-copy");
        Dist.copyTree(Dist.folder(), home);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"opensnoop, PID    COMM              FD ERR PATH", "bashreadline, TIME      PID     COMMAND"})
    void loadsAttachesAndStopsCleanlyAsNobody(String tool, String header) throws Exception {
        Unprivileged.assumeAvailable();
        Path binary = Path.of("/usr/sbin", tool);
        assumeTrue(Files.isExecutable(binary), "needs " + binary + " (Debian package libbpf-tools)");
        Path runtime = Files.createDirectory(tmp.resolve("run"));
        Files.setOwner(runtime, runtime.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(Unprivileged.USER));

        Command.Result kernel = Unprivileged.command(tmp, "timeout", "-s", "INT", "5", binary.toString()).run();
        assertNotEquals(0, kernel.code(), "nobody must not be able to run it on the kernel here: " + kernel.describe());

        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + Unprivileged.USER,
                "--regid=" + Unprivileged.GROUP, "--clear-groups", binary.toString()));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(tmp.toFile());
        pb.environment().put("HOME", tmp.toString());
        pb.environment().put("LD_PRELOAD", home.resolve("lib/libbpftime-syscall.so").toString());
        pb.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        pb.environment().put("BPFTIME_SERVICE_IDLE_EXIT", "2");
        Path out = tmp.resolve(tool + ".out");
        Path err = tmp.resolve(tool + ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            // Its stdout is a file, so fully buffered: the header shows once it exits.
            p.waitFor(RUN_MS, TimeUnit.MILLISECONDS);
            String describe = tool + "\n--- stdout\n" + Files.readString(out) + "--- stderr\n" + Files.readString(err);
            assertTrue(p.isAlive(), "it must still run " + RUN_MS + " ms after starting: " + describe);
            Runtime.getRuntime().exec(new String[] {"kill", "-INT", Long.toString(p.pid())}).waitFor();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "did not stop on SIGINT: " + describe);
            String finalDescribe = tool + " exited " + p.exitValue() + "\n--- stdout\n" + Files.readString(out)
                    + "--- stderr\n" + Files.readString(err, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), finalDescribe);
            assertTrue(Files.readString(out).startsWith(header), finalDescribe);
            assertEquals("", Files.readString(err), "libbpf printed warnings or errors: " + finalDescribe);
        } finally {
            p.destroyForcibly();
        }
    }
}
