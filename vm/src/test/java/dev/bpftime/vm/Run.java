package dev.bpftime.vm;

import dev.bpftime.isa.Asm;
import dev.bpftime.isa.AsmItem;
import java.util.List;

/** Runs hand-written programs for the tests, each in a fresh interpreter. */
final class Run {

    private Run() {
    }

    /** r0 of the program, run once without and once with bounds checking; both must agree. */
    static long r0(AsmItem... program) {
        return r0(new byte[0], program);
    }

    static long r0(byte[] memory, AsmItem... program) {
        return r0(memory, List.of(program));
    }

    static long r0(byte[] memory, List<AsmItem> program) {
        byte[] checkedMemory = memory.clone();
        long fast;
        long checked;
        try (Interpreter vm = Interpreter.load(Asm.assemble(program))) {
            fast = vm.run(memory);
            vm.setBoundsChecking(true);
            checked = vm.run(checkedMemory);
        }
        if (fast != checked) {
            throw new AssertionError(String.format("r0 without bounds checks 0x%x vs with them 0x%x", fast, checked));
        }
        if (!java.util.Arrays.equals(memory, checkedMemory)) {
            throw new AssertionError("memory after a run without bounds checks differs from the run with them");
        }
        return fast;
    }
}
