package dev.bpftime.test.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Error injection with bpf_override_return (fixtures/src/e2e/inject.bpf.c, loaded by inject_errors):
 * under bpftime, the workload's openat fails with the chosen errno without reaching the kernel, and its
 * own function returns -errno without running; before the loader attached, both behaved normally.
 * The kernel cannot be the oracle here: it allows bpf_override_return only in kprobes on its
 * error-injection list (with CONFIG_BPF_KPROBE_OVERRIDE), so it refuses this object; the test checks
 * that refusal, and the expected results are the ones the program asks for.
 */
class ErrorInjectionE2eTest {

    private static final int ERRNO = 28; // ENOSPC: nothing an openat of /etc/passwd gives by itself

    @TempDir
    private Path tmp;

    @Test
    void aChosenSyscallAndFunctionFailWithTheChosenErrno() throws Exception {
        try (E2e e2e = E2e.open(tmp)) {
            Path binary = e2e.workloadBinary("inject_gated");
            try (Running workload = e2e.workload(Side.KERNEL, "inject_gated", "/etc/passwd");
                    Running kernel = e2e.tool(Side.KERNEL, loaderArgs(e2e, workload, binary))) {
                assertNotEquals(0, kernel.awaitExit(E2e.START), kernel.describe());
                assertTrue(kernel.err().contains("cannot use helper bpf_override_return"), kernel.describe());
                E2e.go(workload);
                E2e.finish(workload);
            }

            try (Running workload = e2e.workload(Side.BPFTIME, "inject_gated", "/etc/passwd");
                    Running tool = e2e.tool(Side.BPFTIME, loaderArgs(e2e, workload, binary))) {
                e2e.toolReady(Side.BPFTIME, tool, "attached", workload.pid());
                E2e.go(workload);
                assertEquals(List.of("before openat 0 0", "before injected_target 7", "ready " + workload.pid(),
                        "after openat -1 " + ERRNO, "after injected_target " + -ERRNO, "done"),
                        workload.outLines().stream().filter(l -> !l.startsWith("exit ")).toList(),
                        workload.describe() + tool.describe());
                E2e.interrupt(tool);
                E2e.finish(workload);
            }
        }
    }

    private static String[] loaderArgs(E2e e2e, Running workload, Path binary) throws Exception {
        return new String[] {e2e.e2eFile("inject_errors").toString(), e2e.e2eFile("inject.bpf.o").toString(),
            Long.toString(workload.pid()), binary.toString(), "injected_target", Integer.toString(ERRNO)};
    }
}
