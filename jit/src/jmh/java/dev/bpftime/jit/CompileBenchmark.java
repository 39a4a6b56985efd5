package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;

import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Instruction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JIT compile time of a 1,000-instruction program once the JVM is warm (issue 4's target: under 1 ms).
 * The program is random fuzz programs ({@link ProgramGenerator}) called from a main program, cut at 1,000
 * instructions: every instruction class, branches, loops, calls. Run: see jit/README.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CompileBenchmark {

    @Param({"1000"})
    int instructions;

    private List<Instruction> program;
    private final JitCompiler compiler = new JitCompiler();

    @Setup
    public void build() {
        List<AsmItem> main = new ArrayList<>();
        List<AsmItem> bodies = new ArrayList<>();
        int size = 2;
        int k = 0;
        while (size < instructions) {
            List<AsmItem> body = new ArrayList<>(new ProgramGenerator(k).items("b" + k + "_"));
            main.add(callLocal("b" + k));
            bodies.add(label("b" + k));
            bodies.addAll(body);
            size += 1 + assemble(body).size();
            k++;
        }
        main.add(mov64(R0, 0));
        main.add(exit());
        main.addAll(bodies);
        program = assemble(main);
        System.out.println("\nprogram: " + program.size() + " instructions in " + (k + 1) + " functions");
    }

    @Benchmark
    public JitImage compile() {
        return compiler.compile(program);
    }
}
