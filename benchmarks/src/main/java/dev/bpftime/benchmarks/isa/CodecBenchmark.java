package dev.bpftime.benchmarks.isa;

import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionDecoder;
import dev.bpftime.isa.InstructionEncoder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost per instruction of the isa codec on real compiled code: decoding the bytes of a program
 * (what every object load and every verifier run starts with) and encoding it back (what the loader
 * does after relocating). One invocation handles {@link #INSTRUCTIONS} instructions.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

    public static final int INSTRUCTIONS = 4096;

    /** A large real program (Cilium's endpoint datapath), under corpus/ebpf-samples. */
    @Param("cilium/bpf_lxc.o")
    public String object;

    private List<Instruction> program;
    private byte[] bytes;

    @Setup
    public void load() {
        program = CorpusProgram.load(object, INSTRUCTIONS);
        bytes = InstructionEncoder.encode(program);
    }

    @Benchmark
    @OperationsPerInvocation(INSTRUCTIONS)
    public List<Instruction> decode() {
        return InstructionDecoder.decode(bytes);
    }

    @Benchmark
    @OperationsPerInvocation(INSTRUCTIONS)
    public byte[] encode() {
        return InstructionEncoder.encode(program);
    }
}
