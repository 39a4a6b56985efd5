package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
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

    @RegisterExtension
    static final ShimTestHome shim = new ShimTestHome();

    /** libbpf_buffers and its BPF object, where nobody can read them. */
    private static String[] argv(String kind) throws IOException {
        Path program = shim.installed("libbpf_buffers", "libbpf-dev (/usr/include/bpf/libbpf.h) and clang",
                "buffers.bpf.o");
        return new String[] {program.toString(), program.resolveSibling("buffers.bpf.o").toString(), kind, RECORDS};
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
        Run.Result ours = ShimTestHome.clean(shim.run(shim.runtimeDir("buffers-" + kind + "-as-" + Run.uid()), false,
                argv), "under the shim (a libbpf warning would be on stderr)");
        assertEquals(expected(kind), ours.lines(), ours.describe());
        if (Run.isRoot()) {
            Run.Result kernel = shim.kernel(argv);
            assertEquals(0, kernel.code(), "against the kernel:\n" + kernel.describe());
            assertEquals(kernel.lines(), ours.lines(), "under the shim vs against the kernel");
        }
        Run.assumeNobodyAvailable();
        Run.Result nobody = ShimTestHome.clean(shim.run(shim.runtimeDir("buffers-" + kind + "-as-nobody"), true, argv),
                "as nobody");
        assertEquals(ours.lines(), nobody.lines(), "as nobody under the shim");
    }
}
