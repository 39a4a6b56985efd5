package dev.bpftime.syscallhooks;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The signals the runtime reserves (native-support's reserved_signals.h) stay out of the masks the
 * application sets through any syscall: with SIGTRAP reserved, as the agent's probe engine reserves
 * it, a bare rt_sigprocmask blocking SIGTRAP and SIGUSR1 leaves SIGTRAP deliverable; without, both
 * are blocked, as the kernel would have it.
 */
class ReservedSignalTest {

    @ParameterizedTest
    @EnumSource(value = Workloads.Mode.class, names = {"REWRITE", "FALLBACK", "PURE"})
    void aReservedSignalIsNeverBlocked(Workloads.Mode mode) throws Exception {
        Workloads.Result reserved = Workloads.run("workload_reserved", mode,
                Map.of("BPFTIME_SH_TEST_RESERVE_SIGTRAP", "1"));
        Workloads.assertClean(reserved.run(), "SIGTRAP not blocked, SIGUSR1 blocked\n");

        Workloads.Result plain = Workloads.run("workload_reserved", mode, Map.of());
        Workloads.assertClean(plain.run(), "SIGTRAP blocked, SIGUSR1 blocked\n");
    }
}
