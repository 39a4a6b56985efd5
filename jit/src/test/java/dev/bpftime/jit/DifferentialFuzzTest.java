package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.asm.ConformanceSyntax;
import dev.bpftime.jit.run.ExecutableImage;
import dev.bpftime.vm.Interpreter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The JIT against the C interpreter, the reference semantics: random terminating, memory-safe programs
 * ({@link ProgramGenerator}) run on both engines from the same memory, and r0-r8, the memory region and the
 * final stack frame (which each program copies into its memory) must agree. Both engines call the same C
 * helpers (src/test/c).
 *
 * <p>To keep 100,000 programs fast, they run in images of {@value #BATCH}: a main program calls each one
 * as a bpf-to-bpf function with its own memory in r1; every 25th program also runs alone as the main program.
 * For a longer (nightly) run, and to replay a failure, which names its seed:
 * {@code -Dbpftime.jit.fuzzPrograms=5000000 -Dbpftime.jit.fuzzSeed=N}.
 */
class DifferentialFuzzTest {

    static final int BATCH = 10;
    private static final int DEFAULT_PROGRAMS = 100_000;
    private static final long DEFAULT_SEED = 0x6a69745f66757aL;
    private static final int[] HELPERS = {TestNative.WEIGHTED_SUM, TestNative.CLOBBER, TestNative.SUM_BYTES,
        TestNative.FILL_BYTES};

    private final JitCompiler compiler = new JitCompiler();
    private final JitLinker linker = TestNative.linker();
    private final Pointer helperTable = new Pointer(TestNative.helperTable());

    @Test
    void jitAgreesWithInterpreter() {
        int programs = Integer.getInteger("bpftime.jit.fuzzPrograms", DEFAULT_PROGRAMS);
        long seed = Long.getLong("bpftime.jit.fuzzSeed", DEFAULT_SEED);
        Random data = new Random(seed);
        long instructions = 0;
        int alone = 0;
        for (int first = 0; first < programs; first += BATCH) {
            int count = Math.min(BATCH, programs - first);
            List<AsmItem> image = new ArrayList<>();
            image.add(mov64(R6, R1));
            for (int k = 0; k < count; k++) {
                image.add(mov64(R1, R6));
                image.add(add64(R1, k * ProgramGenerator.MEMORY));
                image.add(callLocal("b" + k));
            }
            image.add(mov64(R0, 0));
            image.add(exit());
            for (int k = 0; k < count; k++) {
                image.add(label("b" + k));
                image.addAll(new ProgramGenerator(seed + first + k).items("b" + k + "_"));
            }
            List<Instruction> batch = assemble(image);
            instructions += batch.size();
            byte[] memory = new byte[count * ProgramGenerator.MEMORY];
            data.nextBytes(memory);
            Result jit;
            Result vm;
            try (Memory shared = new Memory(memory.length)) {
                jit = onJit(batch, memory, shared);
                vm = onInterpreter(batch, memory, shared);
            }
            if (!jit.equals(vm)) {
                for (int k = 0; k < count; k++) {
                    int from = k * ProgramGenerator.MEMORY;
                    int to = from + ProgramGenerator.MEMORY;
                    if (!Arrays.equals(jit.memory, from, to, vm.memory, from, to)) {
                        long s = seed + first + k;
                        fail(describe(s, new ProgramGenerator(s).generate(), Arrays.copyOfRange(jit.memory, from, to),
                                Arrays.copyOfRange(vm.memory, from, to)));
                    }
                }
                fail("the batch of programs " + first + ".." + (first + count - 1) + " disagrees on r0: jit " + jit.r0
                        + " vs interpreter " + vm.r0);
            }
            for (int k = 0; k < count; k++) {
                if ((first + k) % 25 == 0) {
                    checkAlone(seed + first + k, data);
                    alone++;
                }
            }
        }
        System.out.printf("differential fuzz: %d programs (%d alone, the rest in images of %d; %d instructions)"
                + " agree on the JIT and the interpreter, seed %d%n", programs, alone, BATCH, instructions, seed);
    }

    private void checkAlone(long seed, Random data) {
        List<Instruction> program = new ProgramGenerator(seed).generate();
        byte[] memory = new byte[ProgramGenerator.MEMORY];
        data.nextBytes(memory);
        Result jit;
        Result vm;
        try (Memory shared = new Memory(memory.length)) {
            jit = onJit(program, memory, shared);
            vm = onInterpreter(program, memory, shared);
        }
        if (!jit.equals(vm)) {
            fail(describe(seed, program, jit.memory, vm.memory) + String.format("r0: jit 0x%x vs interpreter 0x%x",
                    jit.r0, vm.r0));
        }
    }

    private record Result(long r0, byte[] memory) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Result r && r.r0 == r0 && Arrays.equals(r.memory, memory);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(r0) * 31 + Arrays.hashCode(memory);
        }
    }

    /**
     * Both engines run with the same memory at the same address (programs may compute with r9, the
     * region's address), reset to {@code initial} before each run.
     */
    private Result onJit(List<Instruction> program, byte[] initial, Memory memory) {
        memory.write(0, initial, 0, initial.length);
        try (ExecutableImage code = ExecutableImage.load(compiler.compile(program), linker)) {
            long r0 = code.run(Pointer.nativeValue(memory), initial.length);
            return new Result(r0, memory.getByteArray(0, initial.length));
        }
    }

    private Result onInterpreter(List<Instruction> program, byte[] initial, Memory memory) {
        memory.write(0, initial, 0, initial.length);
        try (Interpreter vm = Interpreter.load(program)) {
            for (int id : HELPERS) {
                vm.registerHelper(id, helperTable.getPointer(8L * id));
            }
            long r0 = vm.run(memory, initial.length);
            return new Result(r0, memory.getByteArray(0, initial.length));
        }
    }

    private static String describe(long seed, List<Instruction> program, byte[] jit, byte[] vm) {
        StringBuilder b = new StringBuilder(String.format("program of seed %d disagrees (replay alone:"
                + " -Dbpftime.jit.fuzzSeed=%d -Dbpftime.jit.fuzzPrograms=1)%n", seed, seed));
        for (int i = 0; i < jit.length; i += 8) {
            long a = ByteBuffer.wrap(jit, i, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            long e = ByteBuffer.wrap(vm, i, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (a != e) {
                b.append(String.format("  %s: jit 0x%x vs interpreter 0x%x%n", where(i), a, e));
            }
        }
        return b.append(ConformanceSyntax.print(program)).toString();
    }

    private static String where(int offset) {
        if (offset < ProgramGenerator.STACK_DUMP) {
            return "region +" + offset;
        }
        if (offset < ProgramGenerator.REGISTER_DUMP) {
            return "stack r10" + (offset - ProgramGenerator.STACK_DUMP - 512);
        }
        return "register r" + (offset - ProgramGenerator.REGISTER_DUMP) / 8;
    }
}
