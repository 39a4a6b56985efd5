package dev.bpftime.vm;

import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.conformance.ConformanceFile;
import dev.bpftime.isa.conformance.ConformanceTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs bpf_conformance {@code .data} tests on an execution engine: the interpreter now, the JIT
 * later. A test passes when its program returns the expected r0, or, for a test expecting an
 * error, when the engine refuses or stops the program with a message containing the expected text.
 * A file that cannot be parsed fails.
 *
 * <p>The suite's conventions (bpf_conformance and its uBPF plugin, ubpf_plugin.cc and
 * test_helpers.h): r1 points at a copy of the test's memory and r2 holds its length; helper 5 is
 * "unwind", which returns its first argument and, when that is 0, ends the program with r0 = 0
 * (call_unwind_fail.data calls it with -1 and must go on to return 2).
 */
public final class ConformanceRunner {

    public static final int UNWIND_HELPER = 5;
    /** With bounds checking: enough for every program of the suite, so that a bad jump cannot hang the run. */
    public static final long INSTRUCTION_LIMIT = 10_000_000;

    /** Runs a program with r1 = its memory and r2 = the length, returning r0 or throwing a RuntimeException. */
    @FunctionalInterface
    public interface Engine {
        long run(List<Instruction> program, byte[] memory);
    }

    public record Outcome(String test, boolean passed, String detail) {
    }

    public record Report(List<Outcome> outcomes) {
        public Report {
            outcomes = List.copyOf(outcomes);
        }

        public long passed() {
            return outcomes.stream().filter(Outcome::passed).count();
        }

        public long failed() {
            return outcomes.size() - passed();
        }

        public List<Outcome> failures() {
            return outcomes.stream().filter(o -> !o.passed()).toList();
        }

        public String summary() {
            return passed() + " passed, " + failed() + " failed of " + outcomes.size() + " files";
        }
    }

    private final Engine engine;

    public ConformanceRunner(Engine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** The C interpreter with the unwind helper, optionally in bounds-checking mode with an instruction limit. */
    public static ConformanceRunner onInterpreter(boolean boundsChecking) {
        return new ConformanceRunner((program, memory) -> {
            try (Interpreter vm = Interpreter.load(program)) {
                vm.registerHelper(UNWIND_HELPER, (r1, r2, r3, r4, r5) -> r1);
                vm.setUnwindHelper(UNWIND_HELPER);
                vm.setBoundsChecking(boundsChecking);
                if (boundsChecking) {
                    vm.setInstructionLimit(INSTRUCTION_LIMIT);
                }
                return vm.run(memory);
            }
        });
    }

    public Report runAll(List<Path> files) {
        List<Outcome> outcomes = new ArrayList<>(files.size());
        for (Path f : files) {
            outcomes.add(run(f));
        }
        return new Report(outcomes);
    }

    public Outcome run(Path file) {
        ConformanceTest test;
        try {
            test = ConformanceFile.parse(file);
        } catch (IOException | RuntimeException e) {
            return new Outcome(file.getFileName().toString(), false, "cannot parse: " + e.getMessage());
        }
        return run(test);
    }

    public Outcome run(ConformanceTest test) {
        long r0;
        try {
            r0 = engine.run(test.program(), test.memory());
        } catch (RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            if (test.expectedError().isPresent()) {
                String text = test.expectedError().get();
                boolean matches = message.contains(text);
                return new Outcome(test.name(), matches, matches ? "refused: " + message
                        : "error: actual '" + message + "' vs expected a message containing '" + text + "'");
            }
            return new Outcome(test.name(), false, String.format("error: actual '%s' vs expected result 0x%x",
                    message, test.expectedResult().getAsLong()));
        }
        if (test.expectedError().isPresent()) {
            return new Outcome(test.name(), false, String.format("result: actual 0x%x vs expected an error "
                    + "containing '%s'", r0, test.expectedError().get()));
        }
        long expected = test.expectedResult().getAsLong();
        return new Outcome(test.name(), r0 == expected, r0 == expected ? String.format("0x%x", r0)
                : String.format("result: actual 0x%x vs expected 0x%x", r0, expected));
    }
}
