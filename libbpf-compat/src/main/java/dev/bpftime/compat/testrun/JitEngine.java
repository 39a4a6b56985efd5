package dev.bpftime.compat.testrun;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.isa.Instruction;
import dev.bpftime.jit.JitCompiler;
import dev.bpftime.jit.JitLinker;
import dev.bpftime.jit.JitOptions;
import dev.bpftime.jit.run.ExecutableImage;
import dev.bpftime.jit.run.JvmHelperTable;
import java.util.List;
import java.util.Map;

/**
 * Runs programs compiled by the JIT in the service's own process. No helper is bound yet (each call
 * returns -ENOSYS) and map references resolve to nothing: the helpers and maps of the data plane come
 * with the agent.
 */
public final class JitEngine implements ProgramEngine {

    private static final JitCompiler COMPILER = new JitCompiler();
    /** Every helper id the kernel has defined so far (___BPF_FUNC_MAPPER ends near 211). */
    private static final int HELPER_SLOTS = 256;

    @Override
    public String name() {
        return "jit";
    }

    @Override
    public Loaded load(List<Instruction> program) {
        JvmHelperTable helpers = new JvmHelperTable(HELPER_SLOTS, Map.of());
        ExecutableImage code;
        try {
            code = ExecutableImage.load(COMPILER.compile(program, JitOptions.DEFAULT),
                    helpers.linker(JitLinker.MapAddresses.NONE));
        } catch (RuntimeException e) {
            helpers.close();
            throw e;
        }
        return new Loaded() {
            @Override
            public long run(byte[] ctx) {
                if (ctx.length == 0) {
                    return code.run(0, 0);
                }
                try (Memory copy = new Memory(ctx.length)) {
                    copy.write(0, ctx, 0, ctx.length);
                    try {
                        return code.run(Pointer.nativeValue(copy), ctx.length);
                    } finally {
                        copy.read(0, ctx, 0, ctx.length);
                    }
                }
            }

            @Override
            public void close() {
                code.close();
                helpers.close();
            }
        };
    }
}
