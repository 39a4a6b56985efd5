package dev.bpftime.compat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime directory rule shared with the shim (shim_runtime_dir.c). */
class RuntimeDirTest {

    @TempDir
    Path temp;

    private static int me() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    @Test
    void explicitThenXdgThenTmp() throws IOException {
        assertEquals(Path.of("/x/y"), RuntimeDir.choose(Map.of("BPFTIME_RUNTIME_DIR", "/x/y",
                "XDG_RUNTIME_DIR", temp.toString()), me()));
        assertEquals(temp.resolve("bpftime"), RuntimeDir.choose(Map.of("XDG_RUNTIME_DIR", temp.toString()), me()));
        assertEquals(Path.of("/tmp/bpftime-" + (me() + 1)), RuntimeDir.choose(Map.of("XDG_RUNTIME_DIR",
                temp.toString()), me() + 1), "another user's XDG_RUNTIME_DIR is not used");
        assertEquals(Path.of("/tmp/bpftime-7"), RuntimeDir.choose(Map.of("XDG_RUNTIME_DIR", "relative"), 7));
    }

    @Test
    void preparedPrivateAndRefusedWhenOpen() throws IOException {
        Path made = RuntimeDir.prepare(temp.resolve("new"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
        Path open = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-x---"));
        IOException e = assertThrows(IOException.class, () -> RuntimeDir.prepare(open));
        assertEquals(true, e.getMessage().contains("mode 750 vs expected owner"), e.getMessage());
        Path link = Files.createSymbolicLink(temp.resolve("link"), made);
        assertThrows(IOException.class, () -> RuntimeDir.prepare(link));
    }
}
