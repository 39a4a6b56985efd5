package dev.bpftime.benchmarks.jit;

import dev.bpftime.benchmarks.isa.CorpusProgram;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionDecoder;
import dev.bpftime.jit.JitCompiler;
import dev.bpftime.jit.JitImage;
import dev.bpftime.obj.elf.ElfFile;
import dev.bpftime.obj.elf.SectionHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JIT compile time of a real program of about 1,000 instructions once the JVM is warm (issue 4's
 * target: under 1 ms): Cilium's endpoint program {@code tc/entry} of bpf_lxc.o, 974 instruction slots
 * of packet parsing, helper calls, map references, tail calls and branches, as clang built it for a
 * production datapath. One operation is one {@link JitCompiler#compile} of the whole program, from
 * decoded instructions to the image.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CompileBenchmark {

    /** An object of the shared corpus, under corpus/ebpf-samples. */
    @Param("cilium-core/bpf_lxc.o")
    public String object;

    /** An executable section of it that is a whole program (no call into .text). */
    @Param("tc/entry")
    public String section;

    private List<Instruction> program;
    private final JitCompiler compiler = new JitCompiler();

    @Setup
    public void load() {
        program = load(object, section);
        compiler.compile(program); // a refused program fails here, before any timing
    }

    static List<Instruction> load(String object, String section) {
        Path file = CorpusProgram.sharedRoot().resolve("corpus/ebpf-samples").resolve(object);
        ElfFile elf;
        try {
            elf = ElfFile.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the benchmark's input " + file, e);
        }
        List<SectionHeader> found = elf.sectionsNamed(section);
        if (found.size() != 1) {
            throw new IllegalArgumentException(file + ": sections named " + section + ": actual " + found.size()
                    + " vs expected 1");
        }
        return InstructionDecoder.decode(elf.contents(found.get(0)));
    }

    @Benchmark
    public JitImage compile() {
        return compiler.compile(program);
    }
}
