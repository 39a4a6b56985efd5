package dev.bpftime.syscallhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contexts against the kernel itself (as root): a BPF program on each of
 * syscalls:sys_enter_openat, sys_exit_openat, raw_syscalls:sys_enter and sys_exit copies out the
 * context the kernel gave it, and the fill functions must produce the same bytes for the same
 * syscall (tool_kernel_ctx.c).
 */
class KernelContextTest {

    @Test
    void contextsAreTheKernels() {
        ProcessRun r = ProcessRun.run(Map.of(), NativeBuild.program("tool_kernel_ctx").toString());
        assumeTrue(r.exitCode() != 77, r.stdout().trim());
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals(4, r.stdout().lines().filter(l -> l.startsWith("SAME ")).count(), r.stdout());
    }
}
