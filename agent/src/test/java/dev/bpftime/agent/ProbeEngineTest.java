package dev.bpftime.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionDecoder;
import dev.bpftime.jit.JitCompiler;
import dev.bpftime.jit.JitImageFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The probe engine in a real process (src/test/c/probe_test.c): every scenario runs once with its
 * programs on the interpreter and once as JIT images, which this class compiles from the very same
 * instructions with the service's {@link JitCompiler} and hands to the C side as {@link JitImageFile}s,
 * which it reads with the one C reader (benchmarks/src/main/c/jit_image.c) and links.
 */
class ProbeEngineTest {

    @TempDir
    static Path images;

    @BeforeAll
    static void compilePrograms() throws Exception {
        Path probeTest = NativeTools.testProgram("probe_test");
        NativeTools.Result dump = NativeTools.run(List.of(probeTest.toString(), "dump", images.toString()), 60);
        assertEquals(0, dump.exit(), dump.describe());
        List<Path> programs;
        try (Stream<Path> files = Files.list(images)) {
            programs = files.filter(p -> p.toString().endsWith(".bpf")).toList();
        }
        assertTrue(programs.size() >= 5, "programs dumped: actual " + programs.size() + " vs expected 6");
        JitCompiler jit = new JitCompiler();
        for (Path p : programs) {
            List<Instruction> program = InstructionDecoder.decode(Files.readAllBytes(p));
            String name = p.getFileName().toString().replace(".bpf", ".jit");
            Files.write(images.resolve(name), JitImageFile.write(jit.compile(program)));
        }
    }

    static Stream<Arguments> scenarios() throws Exception {
        NativeTools.Result list = NativeTools.run(List.of(NativeTools.testProgram("probe_test").toString(), "list"), 60);
        assertEquals(0, list.exit(), list.describe());
        List<Arguments> cases = new ArrayList<>();
        for (String engine : List.of("interp", "jit")) {
            for (String scenario : list.stdout().trim().split("\n")) {
                cases.add(Arguments.of(engine, scenario));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("scenarios")
    void scenario(String engine, String scenario) throws Exception {
        Path probeTest = NativeTools.testProgram("probe_test");
        NativeTools.Result r = NativeTools.run(
                List.of(probeTest.toString(), engine, scenario, images.toString()), 120);
        assertEquals(0, r.exit(), engine + " " + scenario + ": " + r.describe());
        assertTrue(r.stdout().contains("ok " + engine + " " + scenario), r.describe());
    }
}
