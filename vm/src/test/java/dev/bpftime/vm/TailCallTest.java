package dev.bpftime.vm;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bpftime.isa.Asm;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Size;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bpf_tail_call (helper 12) through the tail-call hook, with the kernel's MAX_TAIL_CALL_CNT of 33:
 * the 34th tail call of one invocation falls through to the next instruction; failed ones do not count.
 */
class TailCallTest {

    private static final int PROG_ARRAY = 7;
    private static final int FELL_THROUGH = 1000;

    private static Interpreter load(AsmItem... program) {
        return Interpreter.load(Asm.assemble(program));
    }

    /** Adds 1 to the doubleword at r1, then tail-calls prog_array[index]; returns 1000 when that falls through. */
    private static Interpreter counting(int index) {
        return load(
                mov64(R6, R1),
                ldx(Size.DW, R0, R1, 0),
                add64(R0, 1),
                stx(Size.DW, R1, 0, R0),
                mov64(R1, R6),
                mov64(R2, PROG_ARRAY),
                mov64(R3, index),
                call(KernelConstants.HELPER_TAIL_CALL),
                mov64(R0, FELL_THROUGH),
                exit());
    }

    private static long counter(byte[] memory) {
        return ByteBuffer.wrap(memory).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    @Test
    void thirtyThreeTailCallsThenTheThirtyFourthFallsThrough() {
        try (Interpreter self = counting(0)) {
            List<String> asked = new ArrayList<>();
            self.setTailCallHook((array, index) -> {
                asked.add(array + "[" + index + "]");
                return array == PROG_ARRAY && index == 0 ? self : null;
            });
            for (int run = 0; run < 2; run++) {
                asked.clear();
                byte[] memory = new byte[8];
                assertEquals(FELL_THROUGH, self.run(memory));
                assertEquals(1 + KernelConstants.MAX_TAIL_CALLS, counter(memory),
                        "the entry run and 33 tail-called runs each count once (the count is per invocation)");
                assertEquals(KernelConstants.MAX_TAIL_CALLS, asked.size(), "the 34th is refused before the hook");
                assertEquals("7[0]", asked.get(0));
            }
        }
    }

    @Test
    void emptySlotFallsThrough() {
        try (Interpreter vm = counting(3)) {
            vm.setTailCallHook((array, index) -> null);
            byte[] memory = new byte[8];
            assertEquals(FELL_THROUGH, vm.run(memory));
            assertEquals(1, counter(memory));
        }
    }

    /**
     * Only taken tail calls count (the kernel's x86 JIT, arch/x86/net/bpf_jit_comp.c: "Inc tail_call_cnt if
     * the slot is populated"): after 40 attempts on an empty slot, the self loop still runs 33 times.
     */
    @Test
    void failedAttemptsDoNotCount() {
        try (Interpreter self = counting(0);
             Interpreter entry = load(mov64(R6, R1), mov64(R7, 40), label("again"), mov64(R1, R6),
                     mov64(R2, PROG_ARRAY), mov64(R3, 1), call(KernelConstants.HELPER_TAIL_CALL), add64(R7, -1),
                     jump(dev.bpftime.isa.JumpOp.JNE, R7, 0, "again"), mov64(R1, R6), mov64(R2, PROG_ARRAY),
                     mov64(R3, 0), call(KernelConstants.HELPER_TAIL_CALL), mov64(R0, 2), exit())) {
            List<Integer> asked = new ArrayList<>();
            TailCallHook hook = (array, index) -> {
                asked.add(index);
                return index == 0 ? self : null;
            };
            self.setTailCallHook(hook);
            entry.setTailCallHook(hook);
            byte[] memory = new byte[8];
            assertEquals(FELL_THROUGH, entry.run(memory));
            assertEquals(KernelConstants.MAX_TAIL_CALLS, counter(memory), "33 runs of the self loop");
            assertEquals(40 + KernelConstants.MAX_TAIL_CALLS, asked.size(), "every attempt below the count asks");
        }
    }

    @Test
    void targetRunsInsteadOfTheRestOfTheCaller() {
        try (Interpreter target = load(ldx(Size.DW, R0, R1, 0), add64(R0, 76), exit());
             Interpreter caller = counting(1)) {
            caller.setTailCallHook((array, index) -> index == 1 ? target : null);
            byte[] memory = new byte[8];
            assertEquals(77, caller.run(memory), "target sees the caller's r1 and stores");
        }
    }

    @Test
    void tailCallFromASubprogramReturnsToItsCaller() {
        try (Interpreter target = load(mov64(R0, 5), exit());
             Interpreter main = load(
                     mov64(R6, 11),
                     callLocal("f"),
                     add64(R0, 100),
                     add64(R0, R6),
                     exit(),
                     label("f"),
                     mov64(R6, 0),
                     mov64(R2, PROG_ARRAY),
                     mov64(R3, 1),
                     call(KernelConstants.HELPER_TAIL_CALL),
                     mov64(R0, -1),
                     exit())) {
            main.setTailCallHook((array, index) -> target);
            assertEquals(116, main.run(new byte[0]), "5 from the target + 100 + r6 restored to 11");
        }
    }

    @Test
    void withoutAHookHelperTwelveIsAnOrdinaryUnknownHelper() {
        try (Interpreter vm = counting(0)) {
            VmException e = assertThrows(VmException.class, () -> vm.run(new byte[8]));
            assertEquals(VmStatus.UNKNOWN_HELPER, e.status());
            assertEquals(7, e.instruction());
        }
    }
}
