package dev.bpftime.jit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The differential fuzz only proves a peephole right if its programs contain what the peephole rewrites:
 * over the fuzz's first programs, every kind of rewrite {@link Peepholes} plans must occur many times (the
 * inlined map lookup, which needs map descriptors, is {@link InlineLookupTest}'s).
 */
class PeepholeCoverageTest {

    private static final int PROGRAMS = 3_000;
    private static final int AT_LEAST = 100;

    @Test
    void theFuzzProgramsExerciseEveryRewrite() {
        Map<Peepholes.Kind, Integer> total = new EnumMap<>(Peepholes.Kind.class);
        for (int k = 0; k < PROGRAMS; k++) {
            ProgramAnalysis program = new ProgramAnalysis(new ProgramGenerator(k).generate());
            new Peepholes(program, JitOptions.DEFAULT).counts().forEach((kind, n) -> total.merge(kind, n, Integer::sum));
        }
        for (Peepholes.Kind kind : new Peepholes.Kind[] {Peepholes.Kind.LEA, Peepholes.Kind.FOLDED_ACCESS,
            Peepholes.Kind.SELECT, Peepholes.Kind.BRANCH_OVER_JUMP, Peepholes.Kind.JUMP_TABLE}) {
            int n = total.getOrDefault(kind, 0);
            assertTrue(n >= AT_LEAST, kind + " in " + PROGRAMS + " fuzz programs: actual " + n + " vs expected at least "
                    + AT_LEAST + " (all: " + total + ")");
        }
        System.out.println("peephole coverage over " + PROGRAMS + " fuzz programs: " + total);
    }
}
