package dev.bpftime.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search order of {@link NativeLibraries}: the system property, then next to the jar, then target/native. */
class NativeLibrariesTest {

    private static final String LIB = "libbpftime-vm.so";

    private static Path built() {
        return Path.of(System.getProperty("bpftime.root"), "vm", "target", "native", LIB);
    }

    private static <T> T withProperty(String value, java.util.function.Supplier<T> body) {
        String old = System.getProperty(NativeLibraries.DIR_PROPERTY);
        try {
            if (value == null) {
                System.clearProperty(NativeLibraries.DIR_PROPERTY);
            } else {
                System.setProperty(NativeLibraries.DIR_PROPERTY, value);
            }
            return body.get();
        } finally {
            if (old == null) {
                System.clearProperty(NativeLibraries.DIR_PROPERTY);
            } else {
                System.setProperty(NativeLibraries.DIR_PROPERTY, old);
            }
        }
    }

    @Test
    void buildFromSourceFindsTargetNative() throws Exception {
        Path found = withProperty(null, () -> NativeLibraries.find("bpftime-vm"));
        assertEquals(built().toRealPath(), found.toRealPath());
    }

    @Test
    void propertyWinsAndIsTheOnlyPlaceLookedAt(@TempDir Path dir) throws Exception {
        Files.copy(built(), dir.resolve(LIB));
        assertEquals(dir.resolve(LIB), withProperty(dir.toString(), () -> NativeLibraries.find("bpftime-vm")));
        Path empty = Files.createDirectory(dir.resolve("empty"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> withProperty(empty.toString(), () -> NativeLibraries.find("bpftime-vm")));
        assertTrue(e.getMessage().contains(empty.resolve(LIB).toString()), e.getMessage());
        assertTrue(e.getMessage().contains("-Dbpftime.native.dir"), e.getMessage());
    }

    @Test
    void jarFolderComesBeforeTargetNative(@TempDir Path dist) throws Exception {
        // A class loaded from a jar in dist/lib finds the library beside that jar.
        Path jnaJar = Path.of(com.sun.jna.Native.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path lib = Files.createDirectories(dist.resolve("lib"));
        Path jar = Files.copy(jnaJar, lib.resolve("some-module.jar"));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Class<?> anchor = loader.loadClass("com.sun.jna.Pointer");
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> withProperty(null, () -> NativeLibraries.find("bpftime-vm", anchor)));
            assertTrue(e.getMessage().contains("[" + lib.resolve(LIB) + ", " + lib.resolve("native").resolve(LIB)
                    + "]"), e.getMessage());
            Files.copy(built(), lib.resolve(LIB));
            assertEquals(lib.resolve(LIB), withProperty(null, () -> NativeLibraries.find("bpftime-vm", anchor)));
        }
    }
}
