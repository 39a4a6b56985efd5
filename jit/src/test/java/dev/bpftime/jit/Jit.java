package dev.bpftime.jit;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Instruction;
import dev.bpftime.jit.run.ExecutableImage;
import java.util.List;

/** Compiles, links against the C test helpers, maps and runs a program: the tests' one-liners. */
final class Jit {

    private static final JitCompiler COMPILER = new JitCompiler();

    private Jit() {
    }

    static long run(AsmItem... program) {
        return run(dev.bpftime.isa.Asm.assemble(program), 0, 0);
    }

    static long run(List<Instruction> program, long r1, long r2) {
        return run(program, JitOptions.DEFAULT, r1, r2);
    }

    static long run(List<Instruction> program, JitOptions options, long r1, long r2) {
        JitImage image = COMPILER.compile(program, options);
        try (ExecutableImage code = ExecutableImage.load(image, TestNative.linker())) {
            return code.run(r1, r2);
        }
    }

    /** Runs with r1 = the memory, r2 = its size. */
    static long run(List<Instruction> program, Memory memory) {
        return run(program, Pointer.nativeValue(memory), memory.size());
    }
}
