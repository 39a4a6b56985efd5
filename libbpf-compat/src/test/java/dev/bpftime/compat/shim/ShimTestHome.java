package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the shim's end-to-end tests share, as a JUnit extension of the test class
 * ({@code @RegisterExtension static final ShimTestHome shim = new ShimTestHome();}): a {@link ShimHome}
 * in a temporary directory for the class, its services stopped and the directory removed after it, and
 * the runs the tests make there: bpf_cases or another test program under the shim, as this user or as
 * nobody, or against the kernel.
 */
final class ShimTestHome implements BeforeAllCallback, AfterAllCallback {

    private Path temp;
    private ShimHome home;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        temp = Files.createTempDirectory("bpftime-shim-");
        home = new ShimHome(temp);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (home != null) {
            home.close();
        }
        if (temp != null) {
            try (Stream<Path> all = Files.walk(temp)) {
                for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The class's scratch directory, where programs run. */
    Path temp() {
        return temp;
    }

    ShimHome home() {
        return home;
    }

    /** A fresh runtime directory: one service of its own. */
    Path runtimeDir(String name) throws IOException, InterruptedException {
        return home.newRuntimeDir(name);
    }

    /** bpf_cases with {@code args} under the shim, as this user, served from {@code runtimeDir}. */
    Run.Result cases(Path runtimeDir, String... args) throws IOException, InterruptedException {
        String[] argv = new String[args.length + 1];
        argv[0] = home.program("bpf_cases").toString();
        System.arraycopy(args, 0, argv, 1, args.length);
        return run(runtimeDir, false, argv);
    }

    /** The first call of a session (bpf_cases one), which starts the service; its process. */
    ProcessHandle warm(Path runtimeDir) throws IOException, InterruptedException {
        Run.Result warm = cases(runtimeDir, "one");
        assertEquals("one.load: ok 3\n", warm.out(), warm.describe());
        return ShimHome.service(runtimeDir).orElseThrow();
    }

    /** {@code argv} under the shim, as this user or as nobody. */
    Run.Result run(Path runtimeDir, boolean asNobody, String... argv) throws IOException, InterruptedException {
        return Run.run(temp, home.env(runtimeDir), asNobody, argv);
    }

    /** {@code argv} against the kernel, without the shim. */
    Run.Result kernel(String... argv) throws IOException, InterruptedException {
        return Run.run(temp, Map.of(), false, argv);
    }

    /**
     * A run that must succeed quietly: exit 0 and nothing on stderr (a libbpf warning would be there).
     * {@code where} says which run it was in a failure.
     */
    static Run.Result clean(Run.Result r, String where) {
        assertEquals(0, r.code(), where + ":\n" + r.describe());
        assertEquals("", r.err(), where + ", nothing on stderr:\n" + r.describe());
        return r;
    }

    /** The service's open descriptors once the hang-ups of exited sessions are processed. */
    static int descriptors(ProcessHandle service, int expected) throws InterruptedException, IOException {
        int n = -1;
        for (int i = 0; i < 100; i++) {
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(service.pid()), "fd"))) {
                n = (int) fds.count();
            }
            if (n == expected || (expected < 0 && i > 10)) {
                break;
            }
            Thread.sleep(50);
        }
        return n;
    }

    /**
     * A test program built only where its packages are (libbpf-dev, clang), copied with its companion
     * files (a BPF object) where nobody can run it; the test is skipped, saying {@code needs}, without it.
     */
    Path installed(String program, String needs, String... companions) throws IOException {
        Path built = Path.of(System.getProperty("bpftime.root"), "syscall-shim", "target", "test-bin");
        assumeTrue(Files.isRegularFile(built.resolve(program)), program + " was not built: it needs " + needs);
        Path to = home.program(program);
        if (!Files.exists(to)) {
            Files.copy(built.resolve(program), to, StandardCopyOption.COPY_ATTRIBUTES);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (String companion : companions) {
                Path c = to.resolveSibling(companion);
                Files.copy(built.resolve(companion), c);
                Files.setPosixFilePermissions(c, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        return to;
    }
}
