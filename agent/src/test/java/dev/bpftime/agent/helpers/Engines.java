package dev.bpftime.agent.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionEncoder;
import dev.bpftime.isa.PseudoSource;
import dev.bpftime.jit.JitCompiler;
import dev.bpftime.jit.JitImage;
import dev.bpftime.jit.JitLinker;
import dev.bpftime.jit.run.ExecutableImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Running a program on the interpreter or as a JIT image with the agent's helper table. */
enum Engines {
    INTERPRETER, JIT;

    static final int TABLE_SIZE = 212;
    static final HelpersLib LIB = HelpersLib.LIB;

    /** A program loaded on one engine; close it when done. */
    interface Loaded extends AutoCloseable {
        long run(Pointer ctx, long ctxLen, Pointer hit);

        /** What a tail call to this program resolves to. */
        Pointer tailCallTarget();

        /** The stack frames it needs (JitImage.frames; 0 on the interpreter, which checks its depth as it calls). */
        int frames();

        @Override
        void close();
    }

    Loaded load(List<Instruction> program) {
        byte[] code = encode(program);
        if (this == INTERPRETER) {
            byte[] err = new byte[512];
            Pointer vm = LIB.helpers_test_vm_load(code, code.length, err, err.length);
            assertNotNull(vm, () -> "interpreter load: " + new String(err, StandardCharsets.UTF_8).trim());
            return new Loaded() {
                public long run(Pointer ctx, long ctxLen, Pointer hit) {
                    LongByReference r0 = new LongByReference();
                    int status = LIB.helpers_test_vm_run(vm, ctx, ctxLen, hit, r0);
                    assertEquals(0, status, "interpreter status");
                    return r0.getValue();
                }

                public Pointer tailCallTarget() {
                    return vm;
                }

                public int frames() {
                    return 0;
                }

                public void close() {
                    LIB.bpftime_vm_destroy(vm);
                }
            };
        }
        JitImage image = new JitCompiler().compile(program);
        JitLinker linker = new JitLinker(Pointer.nativeValue(LIB.bpftime_helper_table()), TABLE_SIZE,
                JitLinker.MapAddresses.NONE);
        ExecutableImage exe = ExecutableImage.load(image, linker);
        Pointer entry = new Pointer(exe.address() + image.entryOffset());
        return new Loaded() {
            public long run(Pointer ctx, long ctxLen, Pointer hit) {
                return LIB.helpers_test_jit_run(entry, ctx, hit);
            }

            public Pointer tailCallTarget() {
                return new Pointer(exe.address() + image.tailCallEntryOffset());
            }

            public int frames() {
                return image.frames();
            }

            public void close() {
                exe.close();
            }
        };
    }

    /** Loads, runs once with ctx and hit, closes; r0. */
    long run(List<Instruction> program, Pointer ctx, long ctxLen, Pointer hit) {
        try (Loaded l = load(program)) {
            return l.run(ctx, ctxLen, hit);
        }
    }

    static byte[] encode(List<Instruction> program) {
        return InstructionEncoder.encode(program);
    }

    /**
     * Points every lddw of a function (PseudoSource.FUNC) in main at the callback appended after it, as
     * libbpf relocates them (imm = target slot - lddw slot - 1).
     */
    static List<Instruction> withCallback(List<Instruction> main, List<Instruction> callback) {
        int mainSlots = main.stream().mapToInt(Instruction::width).sum();
        List<Instruction> out = new ArrayList<>();
        int slot = 0;
        for (Instruction i : main) {
            if (i.pseudoSource() == PseudoSource.FUNC) {
                out.add(new Instruction(i.opcode(), i.dst(), i.src(), i.offset(), mainSlots - (slot + 1)));
            } else {
                out.add(i);
            }
            slot += i.width();
        }
        out.addAll(callback);
        return out;
    }

    /** A map of the agent's maps module, in this process (closed by the caller). */
    static Pointer createMap(int type, int keySize, int valueSize, int maxEntries) {
        PointerByReference out = new PointerByReference();
        int rc = LIB.bpftime_map_create(type, keySize, valueSize, maxEntries, 0, -1, 0, 0, "test", out);
        assertEquals(0, rc, "bpftime_map_create(type " + type + ")");
        return out.getValue();
    }

    /** Native memory holding bytes. */
    static Memory memory(byte[] bytes) {
        Memory m = new Memory(Math.max(1, bytes.length));
        m.write(0, bytes, 0, bytes.length);
        return m;
    }
}
