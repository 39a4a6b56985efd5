package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Size;
import dev.bpftime.jit.run.ExecutableImage;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * bpf_tail_call through the test resolver (helper 12 of src/test/c) over a prog array in native memory,
 * which programs reach with {@code lddw r2, map fd 1}: the array's address is filled in by the linker.
 */
class TailCallTest {

    private static final int ARRAY_FD = 1;
    private static final int SLOTS = 4;

    private final Memory array = new Memory(8 + 16L * SLOTS);
    private final List<ExecutableImage> loaded = new ArrayList<>();

    TailCallTest() {
        array.clear();
        array.setLong(0, SLOTS);
    }

    @AfterEach
    void unmap() {
        loaded.forEach(ExecutableImage::close);
        array.close();
    }

    private ExecutableImage load(AsmItem... program) {
        JitImage image = new JitCompiler().compile(assemble(program));
        JitLinker linker = TestNative.linker((kind, key) -> kind == Relocation.Kind.MAP_FD && key == ARRAY_FD
                ? OptionalLong.of(Pointer.nativeValue(array)) : OptionalLong.empty());
        ExecutableImage code = ExecutableImage.load(image, linker);
        loaded.add(code);
        return code;
    }

    /** Puts a program into the array with the frames its image needs. */
    private void put(int slot, ExecutableImage code, int frames) {
        array.setLong(8 + 16L * slot, code.tailCallEntryAddress());
        array.setLong(16 + 16L * slot, frames);
    }

    private static List<AsmItem> tailCall(int index) {
        return List.of(ldMapFd(R2, ARRAY_FD), mov64(R3, index), call(12));
    }

    private static AsmItem[] items(Object... parts) {
        List<AsmItem> out = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof AsmItem i) {
                out.add(i);
            } else {
                @SuppressWarnings("unchecked")
                List<AsmItem> list = (List<AsmItem>) p;
                out.addAll(list);
            }
        }
        return out.toArray(AsmItem[]::new);
    }

    @Test
    void targetReplacesTheCallerAndSeesTheContext() {
        ExecutableImage target = load(ldx(Size.DW, R0, R1, 0), add64(R0, 42), exit());
        put(1, target, 1);
        ExecutableImage caller = load(items(mov64(R6, R1), tailCall(1), mov64(R0, -1), exit()));
        try (Memory ctx = new Memory(8)) {
            ctx.setLong(0, 1000);
            assertEquals(1042, caller.run(Pointer.nativeValue(ctx), 0));
        }
    }

    @Test
    void atMost33TailCallsPerInvocation() {
        // Counts its runs in *ctx and tail-calls itself: 1 run plus 33 tail calls, then it falls through.
        ExecutableImage self = load(items(ldx(Size.DW, R2, R1, 0), add64(R2, 1), stx(Size.DW, R1, 0, R2),
                mov64(R6, R1), tailCall(0), ldx(Size.DW, R0, R6, 0), exit()));
        put(0, self, 8);
        try (Memory ctx = new Memory(8)) {
            for (int run = 0; run < 2; run++) { // the count is per invocation, not per image
                ctx.setLong(0, 0);
                assertEquals(34, self.run(Pointer.nativeValue(ctx), 0));
            }
        }
    }

    @Test
    void emptySlotAndOutOfRangeIndexFallThrough() {
        ExecutableImage caller = load(items(tailCall(2), mov64(R6, 10), tailCall(SLOTS), add64(R6, 5),
                tailCall(-1), add64(R6, 1), mov64(R0, R6), exit()));
        assertEquals(16, caller.run(0, 0));
    }

    /**
     * As in the kernel's x86 JIT, only taken tail calls count: 40 attempts on the empty slot 1 and 40 past the
     * array leave all 33 for slot 0, whose target counts its runs in *ctx. R0 keeps its value through a
     * failed attempt.
     */
    @Test
    void failedAttemptsDoNotCountAndKeepR0() {
        ExecutableImage target = load(items(ldx(Size.DW, R2, R1, 0), add64(R2, 1), stx(Size.DW, R1, 0, R2),
                mov64(R6, R1), tailCall(0), mov64(R0, 0), exit()));
        put(0, target, 1);
        ExecutableImage caller = load(items(mov64(R6, R1), mov64(R7, 0), mov64(R0, 77), label("again"), mov64(R1, R6),
                tailCall(1), mov64(R1, R6), tailCall(SLOTS), add64(R7, 1),
                jump(dev.bpftime.isa.JumpOp.JLT, R7, 40, "again"),
                stx(Size.DW, R6, 8, R0), mov64(R1, R6), tailCall(0), mov64(R0, -1), exit()));
        try (Memory ctx = new Memory(16)) {
            ctx.clear();
            assertEquals(0, caller.run(Pointer.nativeValue(ctx), 16));
            assertEquals(FrameLayout.MAX_TAIL_CALLS, ctx.getLong(0), "the target ran 33 times");
            assertEquals(77, ctx.getLong(8), "R0 after 80 failed attempts");
        }
    }

    /** From a subprogram, the target replaces that subprogram: it returns to the subprogram's caller. */
    @Test
    void tailCallFromSubprogramReturnsToItsCaller() {
        ExecutableImage target = load(mov64(R6, 5), mov64(R7, 5), call(TestNative.RSP_MOD16), add64(R0, 92),
                exit()); // 100 when the stack is aligned
        put(0, target, 1);
        ExecutableImage caller = load(items(mov64(R6, 7), mov64(R9, 3), callLocal("sub"), add64(R0, R6),
                add64(R0, R9), exit(), label("sub"), mov64(R6, 1000), mov64(R9, 1000), tailCall(0), mov64(R0, -1),
                exit()));
        assertEquals(110, caller.run(0, 0));
    }

    /** A target runs in the caller's frame, so it may go only as deep as the frames left below it. */
    @Test
    void targetNeedingMoreFramesThanLeftIsRefused() {
        ExecutableImage shallow = load(mov64(R0, 1), exit());
        ExecutableImage deep = load(callLocal("f"), exit(), label("f"), mov64(R0, 2), exit());
        put(0, shallow, 1);
        put(1, deep, 2);
        // Frames 0..7: the deepest subprogram (frame 7) tries both; only the one-frame target fits.
        List<AsmItem> chain = new ArrayList<>();
        for (int d = 0; d < 7; d++) {
            chain.add(label("f" + d));
            chain.add(callLocal("f" + (d + 1)));
            chain.add(exit());
        }
        chain.add(label("f7"));
        ExecutableImage tryDeep = load(items(chain, tailCall(1), mov64(R0, 20), exit()));
        assertEquals(20, tryDeep.run(0, 0));
        ExecutableImage tryShallow = load(items(chain, tailCall(0), mov64(R0, 20), exit()));
        assertEquals(1, tryShallow.run(0, 0));
        // From frame 6, two frames are left: the deep target fits.
        List<AsmItem> shorter = new ArrayList<>(chain.subList(0, 3 * 6));
        shorter.add(label("f6"));
        ExecutableImage fromSix = load(items(shorter, tailCall(1), mov64(R0, 20), exit()));
        assertEquals(2, fromSix.run(0, 0));
    }

    /**
     * A program making tail calls needs its own chain of frames (what a resolver compares with the frames left),
     * while its entry reserves all 8 for the targets it may start from its main program, as the kernel allows.
     */
    @Test
    void imageOfAProgramWithTailCallsNeedsItsChainAndReservesAllFrames() {
        JitImage image = new JitCompiler().compile(assemble(items(tailCall(0), mov64(R0, 0), exit())));
        assertEquals(1, image.frames());
        assertEquals(FrameLayout.stackBytes(FrameLayout.MAX_FRAMES), image.stackBytes());
        JitImage twoFrames = new JitCompiler().compile(assemble(items(callLocal("f"), exit(), label("f"), tailCall(0),
                mov64(R0, 0), exit())));
        assertEquals(2, twoFrames.frames());
        assertEquals(FrameLayout.stackBytes(FrameLayout.MAX_FRAMES), twoFrames.stackBytes());
        JitImage noTailCall = new JitCompiler().compile(assemble(items(callLocal("f"), exit(), label("f"),
                mov64(R0, 0), exit())));
        assertEquals(2, noTailCall.frames());
        assertEquals(FrameLayout.stackBytes(2), noTailCall.stackBytes());
        assertEquals(List.of(Relocation.Kind.MAP_FD, Relocation.Kind.HELPER_TABLE),
                image.relocations().stream().map(Relocation::kind).toList());
    }
}
