package dev.bpftime.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpftime.jit.TailCallEngines.Outcome;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How many tail calls run, on the kernel (as root: socket filters in a real PROG_ARRAY, run by
 * BPF_PROG_TEST_RUN), on the interpreter and on the JIT, for the same programs. The kernel here JIT-compiles
 * them, and its x86 JIT counts a tail call only once it is taken (arch/x86/net/bpf_jit_comp.c
 * emit_bpf_tail_call_indirect: index past max_entries out, count >= MAX_TAIL_CALL_CNT out, empty slot out,
 * then the increment): an out-of-range index or an empty slot never uses up one of the 33, from the main
 * program or from a subprogram. Every case states the outcome; each engine must produce it.
 */
class KernelTailCallDifferentialTest {

    private static final int MAX = FrameLayout.MAX_TAIL_CALLS;

    /** A case and what it must leave: r0, cb[0], cb[1] (cb[2..4] stay 0). */
    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> out = Stream.builder();
        out.add(Arguments.of(TailCallCase.loop(), 1, MAX + 1, 0));
        for (int attempts : new int[] {5, MAX, 40}) {
            // the self loop then runs 33 times: the failures took none of the count
            out.add(Arguments.of(TailCallCase.failuresFirst("past max_entries", 100, attempts), 1, MAX, attempts));
            out.add(Arguments.of(TailCallCase.failuresFirst("at index max_entries", 4, attempts), 1, MAX, attempts));
            out.add(Arguments.of(TailCallCase.failuresFirst("at index 0xffffffff", -1, attempts), 1, MAX, attempts));
            out.add(Arguments.of(TailCallCase.failuresFirst("into an empty slot", 1, attempts), 1, MAX, attempts));
        }
        // program i is reached by tail call i: 0..32 then an empty slot; 0..33 then an empty slot; 0..33 then
        // the 34th tail call, refused although its slot holds program 34
        out.add(Arguments.of(TailCallCase.chain(MAX), 500 + MAX - 1, MAX, MAX - 1));
        out.add(Arguments.of(TailCallCase.chain(MAX + 1), 500 + MAX, MAX + 1, MAX));
        out.add(Arguments.of(TailCallCase.chain(MAX + 2), 500 + MAX, MAX + 1, MAX));
        // 40 calls of f: 33 tail calls taken (their target counts in cb[1]), 7 refused (f counts in cb[0])
        out.add(Arguments.of(TailCallCase.fromSubprogram(40), 3, 40 - MAX, MAX));
        out.add(Arguments.of(TailCallCase.fromSubprogram(40, 100, 1, -1), 3, 40 - MAX, MAX));
        out.add(Arguments.of(TailCallCase.fromSubprogram(MAX, 1), 3, 0, MAX));
        // links making tail calls, each started at depth 1: they need one frame each, not eight
        out.add(Arguments.of(TailCallCase.chainFromSubprogram(3), 502, 3, 2));
        out.add(Arguments.of(TailCallCase.chainFromSubprogram(40), 500 + MAX - 1, MAX, MAX - 1));
        return out.build();
    }

    private static void check(String engine, TailCallCase c, Outcome actual, long retval, int cb0, int cb1) {
        assertEquals(new Outcome(retval, List.of(cb0, cb1, 0, 0, 0)), actual, engine + ", " + c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void interpreterAndJit(TailCallCase c, long retval, int cb0, int cb1) {
        Outcome vm = TailCallEngines.interpreter(c);
        assertEquals(vm, TailCallEngines.jit(c), "JIT vs interpreter, " + c);
        check("interpreter", c, vm, retval, cb0, cb1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void kernel(TailCallCase c, long retval, int cb0, int cb1) {
        assumeKernel();
        check("kernel", c, TailCallEngines.kernel(c), retval, cb0, cb1);
    }

    /**
     * Where we still refuse what the kernel runs, our outcome then the kernel's. A tail call from a subprogram
     * keeps the callers' stack, which the kernel bounds by bytes (a subprogram making tail calls must have
     * under 256 bytes of callers' stack, kernel/bpf/verifier.c check_max_stack_depth) and we by 512-byte
     * frames, 8 per invocation: from depth 1 a target needing all 8 falls through here; and when T calls g
     * and g tail-calls T, every hop keeps one more frame, so g's tail call from depth 7 finds no room for T's
     * two frames: g runs 7 times here, 34 on the kernel (jit/README.md, Frames and tail calls).
     */
    static Stream<Arguments> differences() {
        return Stream.of(
                Arguments.of(TailCallCase.eightFrameTargetFromSubprogram(), List.of(9L, 1, 0), List.of(11L, 0, 1)),
                Arguments.of(TailCallCase.nestedFromSubprogram(), List.of(5L, FrameLayout.MAX_FRAMES - 1, 0),
                        List.of(5L, MAX + 1, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("differences")
    void oursStopsAtItsFrames(TailCallCase c, List<Number> ours, List<Number> kernel) {
        Outcome vm = TailCallEngines.interpreter(c);
        assertEquals(vm, TailCallEngines.jit(c), "JIT vs interpreter, " + c);
        check("interpreter", c, vm, ours.get(0).longValue(), ours.get(1).intValue(), ours.get(2).intValue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("differences")
    void theKernelGoesFurther(TailCallCase c, List<Number> ours, List<Number> kernel) {
        assumeKernel();
        check("kernel", c, TailCallEngines.kernel(c), kernel.get(0).longValue(), kernel.get(1).intValue(),
                kernel.get(2).intValue());
    }

    private static void assumeKernel() {
        Optional<String> why = KernelBpf.unavailable();
        Assumptions.assumeTrue(why.isEmpty(), () -> "kernel differential skipped: " + why.orElse(""));
    }
}
