package dev.bpftime.vm;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.isa.Asm;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.AtomicOp;
import dev.bpftime.isa.Size;
import org.junit.jupiter.api.Test;

/**
 * Bounds-checking mode: accesses outside the live stack frames, the memory given to the run and
 * the registered regions stop the program with a fault naming the instruction, instead of faulting.
 */
class BoundsCheckTest {

    private static VmException fault(byte[] memory, AsmItem... program) {
        try (Interpreter vm = Interpreter.load(Asm.assemble(program))) {
            vm.setBoundsChecking(true);
            return assertThrows(VmException.class, () -> vm.run(memory));
        }
    }

    private static void assertFault(VmException e, VmStatus status, int instruction, String access) {
        assertEquals(status, e.status());
        assertEquals(instruction, e.instruction());
        assertTrue(e.getMessage().matches("at instruction " + instruction + ": " + access
                + " at 0x[0-9a-f]+ out of bounds: actual address outside vs expected inside the stack frames, "
                + "the context or a registered region"), e.getMessage());
    }

    @Test
    void loadPastTheEndOfTheMemory() {
        assertFault(fault(new byte[8], ldx(Size.DW, R0, R1, 1), exit()), VmStatus.LOAD_OUT_OF_BOUNDS, 0,
                "8-byte load");
        assertFault(fault(new byte[8], ldx(Size.B, R0, R1, 8), exit()), VmStatus.LOAD_OUT_OF_BOUNDS, 0,
                "1-byte load");
        assertFault(fault(new byte[8], ldx(Size.B, R0, R1, -1), exit()), VmStatus.LOAD_OUT_OF_BOUNDS, 0,
                "1-byte load");
    }

    @Test
    void lastByteOfTheMemoryIsAllowed() {
        byte[] memory = {1, 2, 3, 4, 5, 6, 7, 8};
        try (Interpreter vm = Interpreter.load(Asm.assemble(ldx(Size.B, R0, R1, 7), exit()))) {
            vm.setBoundsChecking(true);
            assertEquals(8, vm.run(memory));
        }
    }

    @Test
    void nullPointer() {
        VmException e = fault(new byte[0], mov64(R0, 0), ldx(Size.W, R0, R1, 0), exit());
        assertFault(e, VmStatus.LOAD_OUT_OF_BOUNDS, 1, "4-byte load");
        assertTrue(e.getMessage().contains(" at 0x0 "), e.getMessage());
    }

    @Test
    void storeBelowTheFrame() {
        assertFault(fault(new byte[0], st(Size.DW, FP, -520, 1), mov64(R0, 0), exit()),
                VmStatus.STORE_OUT_OF_BOUNDS, 0, "8-byte store");
        assertFault(fault(new byte[0], st(Size.B, FP, -513, 1), mov64(R0, 0), exit()),
                VmStatus.STORE_OUT_OF_BOUNDS, 0, "1-byte store");
    }

    @Test
    void storeAboveTheOutermostFrame() {
        assertFault(fault(new byte[0], mov64(R0, 0), stx(Size.B, FP, 0, R0), exit()),
                VmStatus.STORE_OUT_OF_BOUNDS, 1, "1-byte store");
    }

    @Test
    void calleeMayNotReachBelowItsOwnFrame() {
        assertFault(fault(new byte[0], callLocal("f"), exit(), label("f"), mov64(R0, 0), st(Size.B, FP, -513, 1),
                exit()), VmStatus.STORE_OUT_OF_BOUNDS, 3, "1-byte store");
    }

    @Test
    void atomicOutsideIsAStoreFault() {
        assertFault(fault(new byte[4], mov64(R2, 1), atomic(Size.DW, AtomicOp.ADD, false, R1, 0, R2), exit()),
                VmStatus.STORE_OUT_OF_BOUNDS, 1, "8-byte store");
    }

    @Test
    void registeredRegionIsAllowed() {
        try (Memory region = new Memory(16)) {
            region.setLong(8, 0x1234_5678L);
            AsmItem[] program = {lddw(R1, Pointer.nativeValue(region)), ldx(Size.DW, R0, R1, 8), exit()};
            try (Interpreter vm = Interpreter.load(Asm.assemble(program))) {
                vm.setBoundsChecking(true);
                VmException e = assertThrows(VmException.class, () -> vm.run(new byte[0]));
                assertEquals(VmStatus.LOAD_OUT_OF_BOUNDS, e.status());
                vm.addRegion(region, 16);
                assertEquals(0x1234_5678L, vm.run(new byte[0]));
            }
        }
    }

    @Test
    void instructionLimitStopsAnEndlessLoop() {
        try (Interpreter vm = Interpreter.load(Asm.assemble(mov64(R0, 0), label("loop"), add64(R0, 1), ja("loop")))) {
            vm.setBoundsChecking(true);
            vm.setInstructionLimit(1000);
            VmException e = assertThrows(VmException.class, () -> vm.run(new byte[0]));
            assertEquals(VmStatus.INSTRUCTION_LIMIT, e.status());
            assertTrue(e.getMessage().endsWith("instruction limit reached"), e.getMessage());
        }
    }

    @Test
    void instructionLimitLetsAShortProgramFinish() {
        try (Interpreter vm = Interpreter.load(Asm.assemble(mov64(R0, 1), add64(R0, 1), exit()))) {
            vm.setBoundsChecking(true);
            vm.setInstructionLimit(3);
            assertEquals(2, vm.run(new byte[0]));
        }
    }

    @Test
    void faultInATailCalledProgramSaysSo() {
        try (Interpreter target = Interpreter.load(Asm.assemble(mov64(R0, 0), ldx(Size.B, R0, R0, 0), exit()));
             Interpreter caller = Interpreter.load(Asm.assemble(mov64(R2, 1), mov64(R3, 0),
                     call(KernelConstants.HELPER_TAIL_CALL), exit()))) {
            caller.setBoundsChecking(true);
            caller.setTailCallHook((array, index) -> target);
            VmException e = assertThrows(VmException.class, () -> caller.run(new byte[0]));
            assertEquals(VmStatus.LOAD_OUT_OF_BOUNDS, e.status());
            assertEquals(1, e.instruction());
            assertTrue(e.getMessage().startsWith("at instruction 1 of the program reached by tail call 1: 1-byte "
                    + "load at 0x0 "), e.getMessage());
        }
    }
}
