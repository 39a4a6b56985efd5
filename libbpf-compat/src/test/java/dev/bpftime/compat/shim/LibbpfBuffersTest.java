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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * libbpf's own consumers, perf_buffer__poll and ring_buffer__poll (epoll inside libbpf), read the
 * records a program writes through BPF_PROG_TEST_RUN (bpf_perf_event_output, bpf_ringbuf_output) from
 * a producer thread while the consumer blocks: every record once, none lost, no wake-up missed (a
 * missed one shows as a poll that times out), and a poll on drained buffers blocks for its timeout.
 * Under the shim as this user and as nobody, and against the kernel as root (the same lines).
 * syscall-shim/src/test/c/libbpf_buffers.c and buffers.bpf.c.
 */
class LibbpfBuffersTest {

    private static final String RECORDS = "3000";

    @TempDir
    static Path temp;

    private static ShimHome home;
    private static Path run;
    private static Path nobodyRun;

    @BeforeAll
    static void setUp() throws IOException, InterruptedException {
        home = new ShimHome(temp);
        run = home.newRuntimeDir("buffers-as-" + Run.uid());
        nobodyRun = home.newRuntimeDir("buffers-as-nobody");
    }

    @AfterAll
    static void tearDown() {
        if (home != null) {
            home.close();
        }
    }

    /** libbpf_buffers and its BPF object where nobody can read them; skipped without libbpf-dev or clang. */
    private static String[] argv(String kind) throws IOException {
        Path built = Path.of(System.getProperty("bpftime.root"), "syscall-shim", "target", "test-bin");
        assumeTrue(Files.isRegularFile(built.resolve("libbpf_buffers")),
                "libbpf_buffers was not built: it needs libbpf-dev (/usr/include/bpf/libbpf.h) and clang");
        Path program = home.program("libbpf_buffers");
        Path object = program.resolveSibling("buffers.bpf.o");
        if (!Files.exists(program)) {
            Files.copy(built.resolve("libbpf_buffers"), program, StandardCopyOption.COPY_ATTRIBUTES);
            Files.copy(built.resolve("buffers.bpf.o"), object);
            Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(object, PosixFilePermissions.fromString("rw-r--r--"));
        }
        return new String[] {program.toString(), object.toString(), kind, RECORDS};
    }

    private static List<String> expected(String kind) {
        List<String> lines = new java.util.ArrayList<>(List.of("load: ok", "consumer: ok", "producer: ok",
                "received: " + RECORDS + " of " + RECORDS, "missing: 0", "duplicated: 0", "malformed: 0"));
        if (kind.equals("ring")) {
            lines.add("out of order: 0");
        }
        lines.addAll(List.of("lost: 0", "polls timed out: 0", "idle poll: returned 0, blocked for its timeout: yes"));
        return lines;
    }

    @ParameterizedTest
    @ValueSource(strings = {"perf", "ring"})
    void libbpfConsumersReadEveryRecordOnceWokenByEpoll(String kind) throws Exception {
        String[] argv = argv(kind);
        Run.Result shim = Run.run(temp, home.env(run), false, argv);
        assertEquals(0, shim.code(), shim.describe());
        assertEquals("", shim.err(), "no libbpf warning:\n" + shim.describe());
        assertEquals(expected(kind), shim.lines(), shim.describe());
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
