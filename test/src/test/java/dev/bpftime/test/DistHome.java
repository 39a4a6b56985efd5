package dev.bpftime.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * dist/ as a user gets it, made afresh for each test of a class that registers it
 * ({@code @RegisterExtension final DistHome dist = new DistHome();}): a scratch folder another user can
 * enter, dist/ copied into it (so nothing may depend on where the build put it), runtime folders of
 * nobody's own, and the runs the tests make there: the copy's launcher, or a program as nobody under the
 * copy's shim. After the test the services of its runtime folders are stopped and the folder removed.
 */
final class DistHome implements BeforeEachCallback, AfterEachCallback {

    private Path temp;
    private Path home;
    private final List<Path> runtimeDirs = new ArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        temp = Files.createTempDirectory("bpftime-dist-");
        // Another user must be able to reach the copy: a temporary folder is owner-only.
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        home = temp.resolve("bpftime-copy");
        Dist.copyTree(Dist.folder(), home);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        for (Path dir : runtimeDirs) {
            stopService(dir);
        }
        runtimeDirs.clear();
        if (temp != null) {
            try (Stream<Path> all = Files.walk(temp)) {
                for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The test's scratch folder (anyone may enter it), where commands run. */
    Path temp() {
        return temp;
    }

    /** The copy of dist/. */
    Path home() {
        return home;
    }

    /** The copy's syscall shim, what a user puts in LD_PRELOAD. */
    Path shim() {
        return home.resolve("lib/libbpftime-syscall.so");
    }

    /** The copy's bin/bpftime with {@code args}, run in the scratch folder. */
    Command bpftime(String... args) {
        List<String> argv = new ArrayList<>(List.of(home.resolve("bin/bpftime").toString()));
        argv.addAll(List.of(args));
        return new Command(temp, argv);
    }

    /**
     * The folder "run" of nobody's own, for XDG_RUNTIME_DIR: a service of the test's own, which the shim
     * starts there and {@link #afterEach} stops.
     */
    Path nobodysRuntimeDir() throws IOException {
        Path runtime = Files.createDirectory(temp.resolve("run"));
        Files.setOwner(runtime, runtime.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(Unprivileged.USER));
        runtimeDirs.add(runtime);
        return runtime;
    }

    /**
     * Puts the copy's shim into an environment, served from {@code runtime}; the service exits 2 s after
     * its last client.
     */
    void underShim(Map<String, String> env, Path runtime) {
        env.put("LD_PRELOAD", shim().toString());
        env.put("XDG_RUNTIME_DIR", runtime.toString());
        env.put("BPFTIME_SERVICE_IDLE_EXIT", "2");
    }

    /** {@code argv} as nobody under the copy's shim, served from {@code runtime}. */
    Command nobodyUnderShim(Path runtime, String... argv) {
        Command c = Unprivileged.command(temp, argv);
        underShim(c.env(), runtime);
        return c;
    }

    /** Stops the service serving {@code runtime} (SIGTERM to the pid it wrote), if one runs. */
    private static void stopService(Path runtime) throws IOException {
        Path pidFile = runtime.resolve("bpftime/service.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(service -> {
            service.destroy();
            try {
                service.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                service.destroyForcibly();
            }
        });
    }
}
