package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.isa.Instruction;
import dev.bpftime.jit.run.ExecutableImage;
import dev.bpftime.vm.Interpreter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/** Runs a {@link TailCallCase} on the kernel, the interpreter or the JIT, each with its own prog array. */
final class TailCallEngines {

    /** What a run left: r0's low 32 bits (what BPF_PROG_TEST_RUN reports) and cb[0..4]. */
    record Outcome(long retval, List<Integer> cb) {
        static Outcome of(long r0, int[] cb) {
            return new Outcome(r0 & 0xffff_ffffL, Arrays.stream(cb).boxed().toList());
        }
    }

    private static final int CTX_BYTES = 256;
    private static final long VM_ARRAY = 0x5eed;
    private static final int JIT_ARRAY_FD = 1;

    private TailCallEngines() {
    }

    static Outcome kernel(TailCallCase c) {
        try (KernelBpf bpf = new KernelBpf()) {
            int array = bpf.progArray(c.maxEntries());
            Instruction load = ldMapFd(R2, array);
            List<List<Instruction>> slots = c.slots().apply(load);
            for (int i = 0; i < slots.size(); i++) {
                if (slots.get(i) != null) {
                    bpf.put(array, i, bpf.socketFilter(slots.get(i)));
                }
            }
            KernelBpf.Run run = bpf.testRun(bpf.socketFilter(c.entry().apply(load)), new int[5]);
            return Outcome.of(run.retval(), run.cb());
        }
    }

    static Outcome interpreter(TailCallCase c) {
        Instruction load = lddw(R2, VM_ARRAY);
        List<Interpreter> loaded = new ArrayList<>();
        try {
            List<Interpreter> slots = new ArrayList<>();
            for (List<Instruction> p : c.slots().apply(load)) {
                slots.add(p == null ? null : keep(loaded, Interpreter.load(p)));
            }
            Interpreter entry = keep(loaded, Interpreter.load(c.entry().apply(load)));
            for (Interpreter vm : loaded) {
                vm.setTailCallHook((array, index) -> array == VM_ARRAY && index >= 0 && index < slots.size()
                        ? slots.get(index) : null);
            }
            try (Memory ctx = context()) {
                long r0 = entry.run(ctx, CTX_BYTES);
                return Outcome.of(r0, ctx.getIntArray(KernelBpf.CB, 5));
            }
        } finally {
            loaded.forEach(Interpreter::close);
        }
    }

    static Outcome jit(TailCallCase c) {
        Instruction load = ldMapFd(R2, JIT_ARRAY_FD);
        List<List<Instruction>> programs = c.slots().apply(load);
        List<ExecutableImage> loaded = new ArrayList<>();
        // the test resolver's array (src/test/c): the slot count, then each slot's tail-call entry and frames
        try (Memory array = new Memory(8 + 16L * programs.size()); Memory ctx = context()) {
            array.clear();
            array.setLong(0, programs.size());
            JitLinker linker = TestNative.linker((kind, key) -> kind == Relocation.Kind.MAP_FD && key == JIT_ARRAY_FD
                    ? OptionalLong.of(Pointer.nativeValue(array)) : OptionalLong.empty());
            JitCompiler compiler = new JitCompiler();
            try {
                for (int i = 0; i < programs.size(); i++) {
                    if (programs.get(i) != null) {
                        JitImage image = compiler.compile(programs.get(i));
                        ExecutableImage code = keep(loaded, ExecutableImage.load(image, linker));
                        array.setLong(8 + 16L * i, code.tailCallEntryAddress());
                        array.setLong(16 + 16L * i, image.frames());
                    }
                }
                JitImage entryImage = compiler.compile(c.entry().apply(load));
                ExecutableImage entry = keep(loaded, ExecutableImage.load(entryImage, linker));
                long r0 = entry.run(Pointer.nativeValue(ctx), CTX_BYTES);
                return Outcome.of(r0, ctx.getIntArray(KernelBpf.CB, 5));
            } finally {
                loaded.forEach(ExecutableImage::close);
            }
        }
    }

    private static Memory context() {
        Memory ctx = new Memory(CTX_BYTES);
        ctx.clear();
        return ctx;
    }

    private static <T> T keep(List<? super T> list, T item) {
        list.add(item);
        return item;
    }
}
