package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maps of maps through libbpf: a BPF object whose BTF-defined ARRAY_OF_MAPS and HASH_OF_MAPS have
 * initializers (`__array(values, ...)`), loaded by libbpf, its raw tracepoint programs run by
 * BPF_PROG_TEST_RUN looking up an inner map in an outer map and then a value in the inner map, while
 * the slots change from user space (an inner map with no descriptor left kept alive by its slot).
 * Under the shim as this user and as nobody, and against the kernel as root: the same lines.
 * syscall-shim/src/test/c/libbpf_mapinmap.c and mapinmap.bpf.c.
 */
class LibbpfMapInMapTest {

    /** What the kernel answered when this test was written (the kernel run is compared live as root). */
    private static final List<String> EXPECTED = List.of("load: ok", "initializer slot holds inner_b: yes",
            "array key 0 (inner_a): 11", "array key 1 (inner_b): 21", "array key 5 (out of range): 1",
            "hash key 3 (inner_b): 22", "hash key 0 (missing): 1", "inner_a after the runs: 11",
            "update array slot 0 to inner_b: ok", "array key 0 (now inner_b): 23", "delete array slot 1: ok",
            "array key 1 (deleted): 1", "update hash key 7 to a new map: ok", "hash key 7 (new map, no fd left): 101",
            "hash key 7 again: 102", "new map by id: found, element 0: 102",
            "update hash key 6 to a bigger array: Invalid argument", "inner_b after the runs: 23");

    @TempDir
    static Path temp;

    private static ShimHome home;
    private static Path run;
    private static Path nobodyRun;

    @BeforeAll
    static void setUp() throws IOException, InterruptedException {
        home = new ShimHome(temp);
        run = home.newRuntimeDir("mapinmap-as-" + Run.uid());
        nobodyRun = home.newRuntimeDir("mapinmap-as-nobody");
    }

    @AfterAll
    static void tearDown() {
        if (home != null) {
            home.close();
        }
    }

    /** libbpf_mapinmap and its BPF object where nobody can read them; skipped without libbpf-dev or clang. */
    private static String[] argv() throws IOException {
        Path built = Path.of(System.getProperty("bpftime.root"), "syscall-shim", "target", "test-bin");
        assumeTrue(Files.isRegularFile(built.resolve("libbpf_mapinmap")),
                "libbpf_mapinmap was not built: it needs libbpf-dev (/usr/include/bpf/libbpf.h) and clang");
        Path program = home.program("libbpf_mapinmap");
        Path object = program.resolveSibling("mapinmap.bpf.o");
        if (!Files.exists(program)) {
            Files.copy(built.resolve("libbpf_mapinmap"), program, StandardCopyOption.COPY_ATTRIBUTES);
            Files.copy(built.resolve("mapinmap.bpf.o"), object);
            Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(object, PosixFilePermissions.fromString("rw-r--r--"));
        }
        return new String[] {program.toString(), object.toString()};
    }

    @Test
    void programsReachInnerMapsThroughOuterMapsAsTheKernels() throws Exception {
        String[] argv = argv();
        Run.Result shim = Run.run(temp, home.env(run), false, argv);
        assertEquals(0, shim.code(), shim.describe());
        assertEquals("", shim.err(), "no libbpf warning:\n" + shim.describe());
        assertEquals(EXPECTED, shim.lines(), shim.describe());
        if (Run.isRoot()) {
            Run.Result kernel = Run.run(temp, Map.of(), false, argv);
            assertEquals(0, kernel.code(), "against the kernel:\n" + kernel.describe());
            assertEquals(kernel.lines(), shim.lines(), "under the shim vs against the kernel");
        }
        Run.assumeNobodyAvailable();
        Run.Result nobody = Run.run(temp, home.env(nobodyRun), true, argv);
        assertEquals(0, nobody.code(), nobody.describe());
        assertEquals("", nobody.err(), nobody.describe());
        assertEquals(shim.lines(), nobody.lines(), "as nobody under the shim");
    }
}
