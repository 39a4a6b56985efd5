package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;

import com.sun.jna.Memory;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.Register;
import dev.bpftime.isa.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * Many test cases in one program, so thousands of cases cost one compile and one native call: each case's
 * instructions leave a result in a register, which is stored at {@code base + 8 * k}; the program gets the
 * result memory in r1 and copies it to {@code base} first.
 */
final class Batch {

    /** One case: its instructions, then the register holding its result. */
    record Case(List<Instruction> body, Register result) {
    }

    private Batch() {
    }

    static long[] run(Register base, List<Case> cases) {
        if (cases.size() > 4096) {
            throw new IllegalArgumentException("cases: actual " + cases.size() + " vs expected at most 4096");
        }
        List<Instruction> program = new ArrayList<>();
        program.add(mov64(base, Register.R1));
        for (int k = 0; k < cases.size(); k++) {
            Case c = cases.get(k);
            if (c.body().stream().anyMatch(i -> i.dst() == base && !i.opcode().isCall())) {
                throw new IllegalArgumentException("case " + k + " writes the base register " + base);
            }
            program.addAll(c.body());
            program.add(stx(Size.DW, base, 8 * k, c.result()));
        }
        program.add(mov64(Register.R0, 0));
        program.add(exit());
        try (Memory memory = new Memory(8L * Math.max(1, cases.size()))) {
            memory.clear();
            Jit.run(program, memory);
            return memory.getLongArray(0, cases.size());
        }
    }

    /** The first of r1..r9 that is none of {@code used}. */
    static Register freeRegister(Register... used) {
        for (int i = 1; i <= 9; i++) {
            Register r = Register.of(i);
            if (!List.of(used).contains(r)) {
                return r;
            }
        }
        throw new IllegalArgumentException("no free register");
    }
}
