package dev.bpftime.benchmarks.isa;

import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A benchmark input of real compiled code: the first {@code count} instructions of an object's
 * executable sections taken in file order, from the shared corpus ({@code ../shared/corpus/ebpf-samples}).
 * A fixed count lets JMH report the cost per instruction.
 */
public final class CorpusProgram {

    private CorpusProgram() {
    }

    /** Where the shared corpus is: system property {@code bpftime.shared}, as Surefire and bench.sh pass it. */
    public static Path sharedRoot() {
        String shared = System.getProperty("bpftime.shared");
        if (shared == null || shared.isBlank()) {
            throw new IllegalStateException("system property bpftime.shared is not set: it must name the shared "
                    + "folder (../shared from the project root); scripts/bench.sh passes it");
        }
        Path root = Path.of(shared);
        if (!Files.isDirectory(root.resolve("corpus/ebpf-samples"))) {
            throw new IllegalStateException("the shared corpus is missing: actual no folder corpus/ebpf-samples in "
                    + root.toAbsolutePath().normalize() + " vs expected the shared folder beside the project");
        }
        return root;
    }

    /** The first {@code count} instructions of {@code object}, a path under corpus/ebpf-samples. */
    public static List<Instruction> load(String object, int count) {
        Path file = sharedRoot().resolve("corpus/ebpf-samples").resolve(object);
        byte[] elf;
        try {
            elf = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the benchmark's input " + file, e);
        }
        List<Instruction> program = new ArrayList<>();
        for (byte[] section : ExecutableSections.read(elf, file.toString())) {
            for (Instruction insn : InstructionDecoder.decode(section)) {
                if (program.size() == count) {
                    return program;
                }
                program.add(insn);
            }
        }
        if (program.size() < count) {
            throw new IllegalArgumentException(file + ": instructions in executable sections: actual "
                    + program.size() + " vs expected at least " + count);
        }
        return program;
    }
}
