package dev.bpftime.jit.run;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.isa.Instruction;
import dev.bpftime.jit.JitCompiler;
import dev.bpftime.jit.JitImage;
import dev.bpftime.jit.JitLinker;
import dev.bpftime.jit.JitOptions;
import java.util.List;

/** Compiles, links, maps and runs a program once in the JVM, the way the bpf_conformance suite runs it. */
public final class JvmRunner {

    private static final JitCompiler COMPILER = new JitCompiler();

    private JvmRunner() {
    }

    /**
     * Runs {@code program} with r1 pointing at a native copy of {@code memory} and r2 = its length, copies
     * the memory back (stores are visible to the caller) and returns r0. Maps resolve to nothing.
     */
    public static long run(List<Instruction> program, JitOptions options, JvmHelperTable helpers, byte[] memory) {
        JitImage image = COMPILER.compile(program, options);
        try (ExecutableImage code = ExecutableImage.load(image, helpers.linker(JitLinker.MapAddresses.NONE))) {
            if (memory.length == 0) {
                return code.run(0, 0);
            }
            try (Memory copy = new Memory(memory.length)) {
                copy.write(0, memory, 0, memory.length);
                try {
                    return code.run(Pointer.nativeValue(copy), memory.length);
                } finally {
                    copy.read(0, memory, 0, memory.length);
                }
            }
        }
    }
}
