package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.AtomicOp;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Size;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JIT's output for small programs, disassembled by {@code objdump -D -b binary -m i386:x86-64}, against
 * the committed text in src/test/resources/golden: a change in the code the JIT emits shows up here as a
 * diff to review. After an intended change, regenerate (see golden/README.md):
 * {@code mvn -pl jit -am test -Dtest=GoldenDisassemblyTest -Dbpftime.jit.regenerateGolden=true}
 */
class GoldenDisassemblyTest {

    static final Map<String, List<AsmItem>> PROGRAMS = new LinkedHashMap<>();

    static {
        PROGRAMS.put("return_constant", List.of(mov64(R0, 42), exit()));
        PROGRAMS.put("alu", List.of(mov64(R0, R1), add64(R0, 1), alu64(AluOp.SUB, R0, R2), alu64(AluOp.MUL, R0, 3),
                alu32(AluOp.AND, R0, 0xffff), alu32(AluOp.OR, R0, R3), alu64(AluOp.XOR, R0, -1), neg32(R0),
                mov32(R1, -1), movsx64(R2, R1, 8), movsx32(R3, R1, 16), movsx64(R4, R1, 32), exit()));
        PROGRAMS.put("division", List.of(mov64(R0, R1), alu64(AluOp.DIV, R0, R2), alu64(AluOp.MOD, R0, R2),
                alu32(AluOp.MOD, R1, R0), signed(alu64(AluOp.DIV, R3, R1)), alu64(AluOp.DIV, R0, 10),
                signed(alu32(AluOp.MOD, R0, -1)), alu32(AluOp.DIV, R0, 0), exit()));
        PROGRAMS.put("shifts", List.of(mov64(R0, R1), alu64(AluOp.LSH, R0, R2), alu32(AluOp.RSH, R4, R2),
                alu64(AluOp.ARSH, R0, R4), alu64(AluOp.LSH, R0, 65), alu32(AluOp.RSH, R0, 32), exit()));
        PROGRAMS.put("byte_swaps", List.of(mov64(R0, R1), le(R0, 16), le(R0, 32), le(R0, 64), be(R0, 16),
                be(R0, 32), be(R0, 64), bswap(R0, 16), bswap(R0, 32), bswap(R0, 64), exit()));
        PROGRAMS.put("memory", List.of(ldx(Size.B, R0, R1, 0), ldx(Size.H, R2, R1, 2), ldx(Size.W, R3, R1, -4),
                ldx(Size.DW, R4, R1, 1000), ldxsx(Size.B, R5, R1, 1), ldxsx(Size.W, R5, R1, 4),
                stx(Size.B, R10, -1, R1), stx(Size.DW, R10, -512, R4), st(Size.H, R10, -16, 0x1234),
                st(Size.DW, R10, -24, -1), lddw(R0, 0x1122334455667788L), exit()));
        PROGRAMS.put("atomics", List.of(atomic(Size.DW, AtomicOp.ADD, false, R1, 0, R2),
                atomic(Size.W, AtomicOp.ADD, true, R1, 8, R2), atomic(Size.DW, AtomicOp.OR, true, R1, 0, R3),
                atomic(Size.W, AtomicOp.XCHG, true, R1, 0, R4), atomic(Size.DW, AtomicOp.CMPXCHG, true, R1, 0, R5),
                atomic(Size.W, AtomicOp.CMPXCHG, true, R1, 0, R5), exit()));
        PROGRAMS.put("loop_sum", List.of(mov64(R0, 0), mov64(R3, 0), label("loop"), jump(JumpOp.JGE, R3, R2, "out"),
                mov64(R4, R1), add64(R4, R3), ldx(Size.B, R4, R4, 0), add64(R0, R4), add64(R3, 1), ja("loop"),
                label("out"), exit()));
        PROGRAMS.put("conditions", List.of(mov64(R0, 0), jump(JumpOp.JEQ, R1, 0, "a"), jump(JumpOp.JGT, R1, R2, "a"),
                jump(JumpOp.JSLE, R1, -5, "a"), jump32(JumpOp.JSET, R1, 8, "a"), jump32(JumpOp.JLT, R1, R2, "a"),
                mov64(R0, 1), label("a"), exit()));
        PROGRAMS.put("helper_and_map", List.of(mov64(R6, R1), ldMapFd(R1, 3), mov64(R2, R10), add64(R2, -8),
                call(1), jump(JumpOp.JEQ, R0, 0, "out"), ldx(Size.DW, R0, R0, 0), label("out"), exit()));
        PROGRAMS.put("local_call", List.of(mov64(R6, 5), mov64(R1, 2), callLocal("f"), add64(R0, R6), exit(),
                label("f"), mov64(R6, R1), mov64(R0, R6), alu64(AluOp.MUL, R0, 3), exit()));
        PROGRAMS.put("tail_call", List.of(mov64(R6, R1), ldMapFd(R2, 1), mov64(R3, 0), call(12), mov64(R0, 1),
                exit()));
        // Peepholes: the copy loop of the VM suite's memcpy (the pair folded into the store, then a live pair
        // as a lea), a log2 step (selects), a switch (a jump table) and a loop closed by a jump over a ja.
        PROGRAMS.put("indexed_access", List.of(mov64(R2, 0), label("loop"), mov64(R6, R1), add64(R6, R4),
                ldx(Size.DW, R7, R1, 0), stx(Size.DW, R6, 0, R7), add64(R1, 8), add64(R2, 1),
                jump(JumpOp.JLT, R2, R3, "loop"), mov64(R0, R1), add64(R0, R4), ldx(Size.B, R0, R0, 3), exit()));
        PROGRAMS.put("select", List.of(mov64(R0, 0), jump(JumpOp.JLT, R1, 0x10000, "a"), alu64(AluOp.OR, R0, 16),
                label("a"), jump(JumpOp.JLT, R1, 0x10000, "b"), alu64(AluOp.RSH, R1, 16), label("b"),
                jump32(JumpOp.JEQ, R1, R2, "c"), mov32(R0, 0), add64(R0, R1), label("c"), exit()));
        PROGRAMS.put("switch_table", List.of(mov64(R2, R1), alu64(AluOp.AND, R2, 3), jump(JumpOp.JSGT, R2, 1, "r"),
                jump(JumpOp.JEQ, R2, 0, "c0"), ja("c1"), label("r"), jump32(JumpOp.JEQ, R2, 2, "c2"), ja("c3"),
                label("c0"), mov64(R0, 10), exit(), label("c1"), mov64(R0, 11), exit(), label("c2"), mov64(R0, 12),
                exit(), label("c3"), mov64(R0, 13), exit()));
        PROGRAMS.put("branch_over_jump", List.of(mov64(R0, 0), label("loop"), add64(R0, 1),
                jump(JumpOp.JGE, R0, R1, "out"), ja("loop"), label("out"), exit()));
        PROGRAMS.put("inline_lookup", List.of(st(Size.W, R10, -4, 1), mov64(R2, R10), add64(R2, -4), ldMapFd(R1, 3),
                call(1), ldMapFd(R1, 4), call(1), exit()));
    }

    /** Compile options by program; the default for the others. */
    static final Map<String, JitOptions> OPTIONS = Map.of("inline_lookup", JitOptions.DEFAULT.withMaps((kind, key) ->
            java.util.Optional.of(new JitOptions.MapDescriptor(JitOptions.MAP_TYPE_ARRAY, 4, key == 3 ? 8 : 12, 64))));

    static Stream<String> programs() {
        return PROGRAMS.keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void matchesGolden(String name) throws Exception {
        Assumptions.assumeTrue(Objdump.available(), "objdump (Debian package binutils) is not installed");
        JitImage image = new JitCompiler().compile(assemble(PROGRAMS.get(name)),
                OPTIONS.getOrDefault(name, JitOptions.DEFAULT));
        String actual = Objdump.disassemble(image.code());
        Path golden = goldenDir().resolve(name + ".txt");
        if (Boolean.getBoolean("bpftime.jit.regenerateGolden")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.isRegularFile(golden)) {
            throw new AssertionError("golden file missing: " + golden + " (regenerate: see golden/README.md)");
        }
        assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual,
                name + ": the emitted code changed; review the diff, then regenerate (golden/README.md)");
    }

    private static Path goldenDir() {
        String root = System.getProperty("bpftime.root");
        if (root == null) {
            throw new IllegalStateException("system property bpftime.root is not set (surefire sets it)");
        }
        return Path.of(root, "jit", "src", "test", "resources", "golden");
    }
}
