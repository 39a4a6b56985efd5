package dev.bpftime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shim from a copy of dist/, as a user gets it: Debian's bpftool, run as nobody (who may not use the
 * kernel's BPF), lists programs through LD_PRELOAD=libbpftime-syscall.so, which starts the service from
 * the copy's bin/bpftime by itself.
 */
class ShimDistTest {

    @TempDir
    private Path tmp;
    private Path home;

    @BeforeEach
    void copyDist() throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        home = tmp.resolve("bpftime-copy");
        Dist.copyTree(Dist.folder(), home);
    }

    @Test
    void bpftoolAsNobodyListsProgramsThroughTheShim() throws Exception {
        Unprivileged.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/bpftool")), "needs /usr/sbin/bpftool (Debian package bpftool)");
        // A runtime folder of nobody's own, so this test starts (and its idle exit stops) a service of its own.
        Path runtime = Files.createDirectory(tmp.resolve("run"));
        Files.setOwner(runtime, runtime.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(Unprivileged.USER));

        Command.Result kernel = Unprivileged.command(tmp, "/usr/sbin/bpftool", "prog", "show").run();
        assertNotEquals(0, kernel.code(), "nobody must not be able to use the kernel's BPF here: " + kernel.describe());

        Command shim = Unprivileged.command(tmp, "/usr/sbin/bpftool", "prog", "show");
        shim.env().put("LD_PRELOAD", home.resolve("lib/libbpftime-syscall.so").toString());
        shim.env().put("XDG_RUNTIME_DIR", runtime.toString());
        shim.env().put("BPFTIME_SERVICE_IDLE_EXIT", "2");
        Command.Result r = shim.run();
        assertEquals(0, r.code(), r.describe());
        assertEquals("", r.out(), "no programs loaded yet: " + r.describe());
        assertTrue(Files.exists(runtime.resolve("bpftime/service.log")), "the shim started the service, which logs");
    }
}
