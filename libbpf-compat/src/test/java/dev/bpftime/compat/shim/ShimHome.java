package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.jna.Native;
import dev.bpftime.compat.ServiceMain;
import dev.bpftime.isa.Instruction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A bpftime home laid out as a distribution is ({@code bin/bpftime}, {@code lib/libbpftime-syscall.so},
 * the jars), built from this build's outputs in a directory every user can read, so that the shim's
 * autostart finds the launcher next to the library and another user (nobody) can run it. The
 * launcher runs the service class directly: the {@code bpftime service} subcommand of the CLI is
 * wired by the cli module.
 */
public final class ShimHome implements AutoCloseable {

    private final Path root;
    private final Path home;
    private final Path bin;
    private final List<Path> runtimeDirs = new ArrayList<>();

    public ShimHome(Path tempDir) throws IOException {
        this.root = tempDir;
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        this.home = Files.createDirectories(root.resolve("home"));
        this.bin = Files.createDirectories(root.resolve("test-bin"));
        Path lib = Files.createDirectories(home.resolve("lib"));
        Files.createDirectories(home.resolve("bin"));
        Path built = Path.of(property("bpftime.root"), "syscall-shim", "target");
        Path so = built.resolve("native/libbpftime-syscall.so");
        assertTrue(Files.isRegularFile(so), "the shim is not built: " + so + " (build syscall-shim with Maven)");
        Files.copy(so, lib.resolve("libbpftime-syscall.so"));
        for (String program : List.of("bpf_cases", "attr_offsets")) {
            Path p = built.resolve("test-bin").resolve(program);
            assertTrue(Files.isRegularFile(p), "the C tests are not built: " + p);
            Files.copy(p, bin.resolve(program), StandardCopyOption.COPY_ATTRIBUTES);
        }
        // Built only where libbpf-dev is installed; LibbpfApiTest says so when it is missing.
        Path libbpfCases = built.resolve("test-bin").resolve("libbpf_cases");
        if (Files.isRegularFile(libbpfCases)) {
            Files.copy(libbpfCases, bin.resolve("libbpf_cases"), StandardCopyOption.COPY_ATTRIBUTES);
        }
        // Built only where libbpf-dev is installed; LibbpfMapsDifferentialTest skips without it.
        Path libbpfMaps = built.resolve("test-bin").resolve("libbpf_maps");
        if (Files.isRegularFile(libbpfMaps)) {
            Files.copy(libbpfMaps, bin.resolve("libbpf_maps"), StandardCopyOption.COPY_ATTRIBUTES);
        }
        StringBuilder classpath = new StringBuilder();
        int n = 0;
        for (Class<?> anchor : List.of(ServiceMain.class, Instruction.class, Native.class,
                org.apache.commons.compress.archivers.tar.TarArchiveInputStream.class, org.tukaani.xz.XZInputStream.class,
                org.apache.commons.io.IOUtils.class, org.apache.commons.lang3.StringUtils.class,
                org.apache.commons.codec.binary.Hex.class,
                dev.bpftime.obj.btf.Btf.class, dev.bpftime.jit.JitCompiler.class, dev.bpftime.vm.Interpreter.class,
                dev.bpftime.maps.BpfMap.class)) {
            Path from = codeOf(anchor);
            Path to = lib.resolve("cp" + n++ + (Files.isDirectory(from) ? "" : ".jar"));
            copyTree(from, to);
            classpath.append(classpath.length() == 0 ? "" : ":").append(to);
        }
        // The interpreter's library, where NativeLibraries looks beside copied classes (lib/native).
        Path vmLib = dev.bpftime.vm.NativeLibraries.find("bpftime-vm");
        Files.copy(vmLib, Files.createDirectories(lib.resolve("native")).resolve(vmLib.getFileName()));
        // the maps module finds its native library beside its classes (NativeLibraryLocator)
        Path mapsLib = codeOf(dev.bpftime.maps.BpfMap.class).getParent().resolve("native/libbpftime-maps.so");
        assertTrue(Files.isRegularFile(mapsLib), "the maps module's library is not built: " + mapsLib);
        Files.copy(mapsLib, lib.resolve("libbpftime-maps.so"));
        Path launcher = home.resolve("bin/bpftime");
        Files.writeString(launcher, "#!/bin/sh\n"
                + "# Test launcher: what `bpftime service` runs, without the CLI.\n"
                + "[ \"$1\" = service ] && shift\n"
                + "exec \"" + System.getProperty("java.home") + "/bin/java\" -XX:TieredStopAtLevel=1 -cp \""
                + classpath + "\" " + ServiceMain.class.getName() + " \"$@\"\n");
        try (Stream<Path> all = Files.walk(root)) {
            all.forEach(p -> {
                try {
                    boolean dir = Files.isDirectory(p);
                    boolean exec = dir || p.startsWith(bin) || p.equals(launcher);
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    public Path home() {
        return home;
    }

    public Path library() {
        return home.resolve("lib/libbpftime-syscall.so");
    }

    public Path program(String name) {
        return bin.resolve(name);
    }

    /** A fresh runtime directory path (not created: the shim creates it), remembered for cleanup. */
    public Path newRuntimeDir(String name) throws IOException, InterruptedException {
        Path area = root.resolve("run-area");
        if (!Files.isDirectory(area)) {
            Files.createDirectory(area);
            // Sticky and world-writable like /tmp, so that nobody can create its own directory here.
            Files.setPosixFilePermissions(area, PosixFilePermissions.fromString("rwxrwxrwx"));
            if (new ProcessBuilder("chmod", "1777", area.toString()).start().waitFor() != 0) {
                fail("chmod 1777 " + area + " failed");
            }
        }
        Path dir = area.resolve(name);
        runtimeDirs.add(dir);
        return dir;
    }

    /** The environment a shimmed run needs. */
    public Map<String, String> env(Path runtimeDir) {
        return Map.of("LD_PRELOAD", library().toString(), "BPFTIME_HOME", home.toString(), "BPFTIME_RUNTIME_DIR",
                runtimeDir.toString(), "BPFTIME_SERVICE_DEBUG", "1");
    }

    /** The pid of the service serving {@code runtimeDir}, if one runs. */
    public static Optional<ProcessHandle> service(Path runtimeDir) {
        Path pidFile = runtimeDir.resolve("service.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            String text = Files.readString(pidFile).trim();
            return text.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(text)).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Stops the services this home started (each by its pid). */
    @Override
    public void close() {
        for (Path dir : runtimeDirs) {
            service(dir).ifPresent(p -> {
                p.destroy();
                try {
                    p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            });
        }
    }

    private static String property(String name) {
        String v = System.getProperty(name);
        if (v == null) {
            fail("system property " + name + " is not set (surefire passes it; run the tests with Maven)");
        }
        return v;
    }

    private static Path codeOf(Class<?> anchor) {
        try {
            return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.copy(from, to);
            return;
        }
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
