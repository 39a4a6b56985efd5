package dev.bpftime.agent.helpers;

import static dev.bpftime.isa.Asm.call;
import static dev.bpftime.isa.Asm.exit;
import static dev.bpftime.isa.Asm.jump;
import static dev.bpftime.isa.Asm.label;
import static dev.bpftime.isa.Asm.ldMapFd;
import static dev.bpftime.isa.Asm.mov64;
import static dev.bpftime.isa.Asm.add64;
import static dev.bpftime.isa.Asm.st;
import static dev.bpftime.isa.Register.R0;
import static dev.bpftime.isa.Register.R1;
import static dev.bpftime.isa.Register.R10;
import static dev.bpftime.isa.Register.R2;
import static dev.bpftime.isa.Register.R6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.bpftime.isa.Asm;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Size;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one program body on an engine and returns the 256-byte output it wrote through r6. On the
 * interpreter and the JIT r6 is the context (native memory of the test); on the kernel (the oracle,
 * BPF_PROG_TEST_RUN of a raw tracepoint program on this thread, as root) it is the value of a one-element
 * array map, so that the same body passes the kernel's verifier. A body must end by falling through.
 */
final class Harness {

    static final int OUT = 256;
    static final HelpersLib LIB = HelpersLib.LIB;

    enum Engine {
        INTERPRETER, JIT, KERNEL
    }

    /** The kernel refused to load the program: its errno and the verifier's log. */
    static final class KernelRefusal extends RuntimeException {
        final int errno;
        final String log;

        KernelRefusal(int errno, String log) {
            super("kernel load/run: " + errno + "\n" + log);
            this.errno = errno;
            this.log = log;
        }
    }

    private Harness() {
    }

    /** The agent's engines and, when this runs as root, the kernel. */
    static List<Engine> withKernel() {
        return List.of(Engine.INTERPRETER, Engine.JIT, Engine.KERNEL);
    }

    static void assumeKernel(Engine e) {
        if (e == Engine.KERNEL) {
            assumeTrue(LIB.geteuid() == 0, "the kernel oracle needs root (BPF_PROG_LOAD of a tracing program)");
        }
    }

    static byte[] run(Engine e, List<AsmItem> body, byte[] initial) {
        return run(e, body, List.of(), initial);
    }

    /**
     * With read-only data (what bpf_snprintf's format and bpf_strncmp's second string must point into):
     * each {@code ldImm64(reg, PseudoSource.MAP_VALUE, off)} of the body becomes the address of
     * {@code rodata + off}, on the kernel an lddw of a frozen read-only map's value.
     */
    static byte[] runWithRodata(Engine e, List<AsmItem> body, byte[] rodata, byte[] initial) {
        assumeKernel(e);
        int fd = -1;
        Memory ours = null;
        if (e == Engine.KERNEL) {
            fd = LIB.helpers_test_kernel_rodata(rodata, rodata.length);
            assertEquals(true, fd >= 0, "read-only kernel map: " + fd);
        } else {
            ours = Engines.memory(rodata);
        }
        try {
            List<AsmItem> rewritten = new ArrayList<>();
            for (AsmItem item : body) {
                if (item instanceof Instruction i && i.pseudoSource() == dev.bpftime.isa.PseudoSource.MAP_VALUE) {
                    long off = i.imm() >>> 32;
                    rewritten.add(e == Engine.KERNEL
                            ? Asm.ldImm64(i.dst(), dev.bpftime.isa.PseudoSource.MAP_VALUE, (off << 32) | fd)
                            : Asm.lddw(i.dst(), Pointer.nativeValue(ours) + off));
                } else {
                    rewritten.add(item);
                }
            }
            return run(e, rewritten, initial);
        } finally {
            if (fd >= 0) {
                LIB.helpers_test_close(fd);
            }
        }
    }

    /** With a callback subprogram after the body (its lddw of PseudoSource.FUNC points at it). */
    static byte[] run(Engine e, List<AsmItem> body, List<Instruction> callback, byte[] initial) {
        assumeKernel(e);
        byte[] init = java.util.Arrays.copyOf(initial, OUT);
        if (e == Engine.KERNEL) {
            int fd = LIB.helpers_test_kernel_array(OUT);
            assertEquals(true, fd >= 0, "kernel array map: " + fd);
            try {
                assertEquals(0, LIB.helpers_test_kernel_array_set(fd, init));
                List<AsmItem> p = new ArrayList<>(List.of(st(Size.W, R10, -4, 0), mov64(R2, R10), add64(R2, -4),
                        ldMapFd(R1, fd), call(1), jump(JumpOp.JEQ, R0, 0, "out"), mov64(R6, R0)));
                p.addAll(body);
                p.addAll(List.of(label("out"), mov64(R0, 0), exit()));
                List<Instruction> main = Asm.assemble(p);
                byte[] code = Engines.encode(Engines.withCallback(main, callback));
                int[] starts = {0, main.stream().mapToInt(Instruction::width).sum()};
                byte[] log = new byte[1 << 16];
                IntByReference retval = new IntByReference();
                Memory ctx = new Memory(8);
                ctx.clear();
                int rc = LIB.helpers_test_kernel_run(code, code.length, ctx, 8, retval, log, log.length, starts,
                        callback.isEmpty() ? 1 : 2);
                if (rc != 0) {
                    throw new KernelRefusal(rc, new String(log, StandardCharsets.UTF_8).trim());
                }
                byte[] out = new byte[OUT];
                assertEquals(0, LIB.helpers_test_kernel_array_get(fd, out));
                return out;
            } finally {
                LIB.helpers_test_close(fd);
            }
        }
        List<AsmItem> p = new ArrayList<>(List.of(mov64(R6, R1)));
        p.addAll(body);
        p.addAll(List.of(label("out"), mov64(R0, 0), exit()));
        List<Instruction> program = Engines.withCallback(Asm.assemble(p), callback);
        Memory out = Engines.memory(init);
        Engines engine = e == Engine.JIT ? Engines.JIT : Engines.INTERPRETER;
        engine.run(program, out, OUT, null);
        return out.getByteArray(0, OUT);
    }

    static long u64(byte[] b, int off) {
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(off);
    }

    static byte[] filled(int value) {
        byte[] b = new byte[OUT];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    /** Two pages: the first read+write, the second not accessible; the address of the boundary. */
    static long guardedBoundary() {
        Pointer p = LIB.mmap(null, 8192, 3, 0x22, -1, 0); // PROT_READ|WRITE, MAP_PRIVATE|ANONYMOUS
        assertEquals(0, LIB.mprotect(p.share(4096), 4096, 0));
        return Pointer.nativeValue(p) + 4096;
    }

    static Pointer at(long address) {
        return new Pointer(address);
    }
}
