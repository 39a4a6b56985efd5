package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * syscall-shim/src/test/c/libbpf_maps.c, linked with libbpf-dev: the map API and the ring buffer
 * consumer (ring_buffer__new/poll/consume, woken through epoll) under the shim, against the kernel as
 * root, and as nobody under the shim; the transcripts must be equal and stderr empty (no libbpf
 * warning: libbpf's own messages are printed as observations).
 */
class LibbpfMapsDifferentialTest {

    @TempDir
    static Path temp;

    private static ShimHome home;
    private static Path rootRun;
    private static Path nobodyRun;
    private static final Map<String, Run.Result> SHIM = new HashMap<>();

    @BeforeAll
    static void setUp() throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(Path.of("/usr/include/bpf/libbpf.h")),
                "libbpf-dev is not installed: libbpf_maps was not built");
        home = new ShimHome(temp);
        rootRun = home.newRuntimeDir("libbpf-as-" + Run.uid());
        nobodyRun = home.newRuntimeDir("libbpf-as-nobody");
    }

    @AfterAll
    static void tearDown() {
        if (home != null) {
            home.close();
        }
    }

    private static String program() {
        return home.program("libbpf_maps").toString();
    }

    private static Run.Result shim(String group) throws IOException, InterruptedException {
        Run.Result r = SHIM.get(group);
        if (r == null) {
            r = Run.run(temp, home.env(rootRun), false, program(), group);
            SHIM.put(group, r);
        }
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"maps", "ring"})
    void libbpfWorksUnderTheShim(String group) throws Exception {
        Run.Result r = shim(group);
        assertEquals(0, r.code(), r.describe());
        assertEquals("", r.err(), "nothing may reach stderr:\n" + r.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"maps", "ring"})
    void libbpfSeesWhatItSeesWithTheKernel(String group) throws Exception {
        assumeTrue(Run.isRoot(), "the kernel oracle needs root (bpf() is privileged here)");
        Run.Result kernel = Run.run(temp, Map.of(), false, program(), group);
        assumeTrue(!kernel.out().contains("map_create: EPERM"), "kernel BPF is not usable here");
        assertEquals(0, kernel.code(), "the expectations do not hold on this kernel:\n" + kernel.describe());
        List<String> expected = kernel.lines();
        assertEquals(String.join("\n", expected), String.join("\n", shim(group).lines()),
                "libbpf under the shim vs the kernel, group " + group);
        System.out.println("differential libbpf " + group + ": " + expected.size() + " observations equal to the kernel's");
    }

    @ParameterizedTest
    @ValueSource(strings = {"maps", "ring"})
    void libbpfWorksForAnUnprivilegedUser(String group) throws Exception {
        Run.assumeNobodyAvailable();
        Run.Result nobody = Run.run(temp, home.env(nobodyRun), true, program(), group);
        assertEquals(0, nobody.code(), nobody.describe());
        assertEquals("", nobody.err(), nobody.describe());
        assertEquals(String.join("\n", shim(group).lines()), String.join("\n", nobody.lines()),
                "transcript as nobody vs as " + Run.uid());
    }
}
