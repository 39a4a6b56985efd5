package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private static CaseGroups groups;

    @BeforeAll
    static void setUp() throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(Path.of("/usr/include/bpf/libbpf.h")),
                "libbpf-dev is not installed: libbpf_maps was not built");
        groups = new CaseGroups(temp, "libbpf", "libbpf_maps");
    }

    @AfterAll
    static void tearDown() {
        if (groups != null) {
            groups.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"maps", "ring"})
    void libbpfWorksUnderTheShim(String group) throws Exception {
        Run.Result r = groups.shim(group);
        assertEquals(0, r.code(), r.describe());
        assertEquals("", r.err(), "nothing may reach stderr:\n" + r.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"maps", "ring"})
    void libbpfSeesWhatItSeesWithTheKernel(String group) throws Exception {
        groups.assumeKernelOracle();
        groups.assertSameAsKernel(group, groups.kernel(group), groups.shim(group));
    }

    @ParameterizedTest
    @ValueSource(strings = {"maps", "ring"})
    void libbpfWorksForAnUnprivilegedUser(String group) throws Exception {
        groups.assertSameAsRoot(groups.shim(group), groups.nobody(group));
    }
}
