package dev.bpftime.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine's syscall tracepoints in a real process under the syscall hooks
 * (src/test/c/tracepoint_test.c): a lone helper-free sys_enter program run as the hooks' direct
 * program, counting every call of every thread with the kernel's record and inside its read section;
 * the same beside exit, raw_syscalls and helper-calling programs (the callbacks' path); attach and
 * detach churned under four calling threads (no run after a detach returned); bad input.
 */
class TracepointEngineTest {

    static Stream<String> scenarios() throws Exception {
        NativeTools.Result list = NativeTools.run(
                List.of(NativeTools.testProgram("tracepoint_test").toString(), "list"), 60);
        assertEquals(0, list.exit(), list.describe());
        List<String> names = Arrays.asList(list.stdout().trim().split("\n"));
        assertFalse(names.isEmpty(), "no scenario listed: " + list.describe());
        return names.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenario(String scenario) throws Exception {
        NativeTools.Result r = NativeTools.run(
                List.of(NativeTools.testProgram("tracepoint_test").toString(), scenario), 120);
        assertEquals(0, r.exit(), scenario + ": " + r.describe());
        assumeFalse(r.stdout().startsWith("skip "), r.stdout().trim());
        assertEquals("ok " + scenario + "\n", r.stdout(), r.describe());
    }
}
