package dev.bpftime.isa.conformance;

import dev.bpftime.isa.Instruction;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One bpf_conformance test: run {@code program} with r1 pointing at a copy of {@code memory} (and r2
 * holding its length); it must return {@code expectedResult}, or be refused with an error whose
 * message contains {@code expectedError} (empty: any error). Exactly one of the two is present.
 *
 * @param name the file name without {@code .data}
 */
public record ConformanceTest(String name, List<Instruction> program, byte[] memory, OptionalLong expectedResult,
        Optional<String> expectedError) {

    public ConformanceTest {
        Objects.requireNonNull(name, "name");
        program = List.copyOf(program);
        memory = memory.clone();
        Objects.requireNonNull(expectedResult, "expectedResult");
        Objects.requireNonNull(expectedError, "expectedError");
        if (expectedResult.isPresent() == expectedError.isPresent()) {
            throw new IllegalArgumentException("expected outcome of " + name + ": actual "
                    + (expectedResult.isPresent() ? "both a result and an error" : "neither a result nor an error")
                    + " vs expected exactly one");
        }
    }

    /** A copy: the runner may let the program write into it. */
    @Override
    public byte[] memory() {
        return memory.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConformanceTest t && name.equals(t.name) && program.equals(t.program)
                && Arrays.equals(memory, t.memory) && expectedResult.equals(t.expectedResult)
                && expectedError.equals(t.expectedError);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, program, Arrays.hashCode(memory), expectedResult, expectedError);
    }

    @Override
    public String toString() {
        return "ConformanceTest[" + name + ", " + program.size() + " instructions, " + memory.length + " bytes of memory, "
                + (expectedResult.isPresent() ? String.format("result 0x%x", expectedResult.getAsLong())
                        : "error '" + expectedError.get() + "'") + "]";
    }
}
