package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.AtomicOp;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionClass;
import dev.bpftime.isa.Mode;
import dev.bpftime.isa.Opcode;
import dev.bpftime.isa.PseudoSource;
import dev.bpftime.isa.Size;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Programs the compiler refuses before anything runs, each with the instruction named. */
class BadInputTest {

    private static String refusal(List<Instruction> program) {
        return assertThrows(JitException.class, () -> new JitCompiler().compile(program)).getMessage();
    }

    private static String refusal(AsmItem... program) {
        return refusal(assemble(program));
    }

    private static Instruction jaBy(int offset) {
        return new Instruction(Opcode.JA, R0, R0, offset, 0);
    }

    @Test
    void unknownOpcode() {
        assertEquals("at instruction 1: unknown opcode 0xff",
                refusal(mov64(R0, 0), new Instruction(new Opcode(0xff), R0, R0, 0, 0), exit()));
    }

    @Test
    void reservedFieldNotZero() {
        assertEquals("at instruction 0: reserved field offset of 0x07: actual 3 vs expected 0",
                refusal(new Instruction(Opcode.alu(true, AluOp.ADD, false), R0, R0, 3, 1), exit()));
    }

    @Test
    void jumpOutOfRange() {
        assertEquals("at instruction 1: jump out of range: actual target slot 7 vs expected 0..2",
                refusal(mov64(R0, 0), jaBy(5), exit()));
        assertEquals("at instruction 0: jump out of range: actual target slot -1 vs expected 0..1",
                refusal(jaBy(-2), exit()));
    }

    @Test
    void jumpIntoTheSecondHalfOfLddw() {
        assertEquals("at instruction 0: jump into the second half of the lddw at instruction 1: actual target slot 2"
                + " vs expected the start of an instruction", refusal(jaBy(1), lddw(R0, 1), exit()));
    }

    @Test
    void localCallOutOfRangeOrIntoLddw() {
        Instruction call = new Instruction(Opcode.CALL, R0, R1, 0, 10);
        assertEquals("at instruction 0: call out of range: actual target slot 11 vs expected 0..1",
                refusal(call, exit()));
        Instruction intoLddw = new Instruction(Opcode.CALL, R0, R1, 0, 1);
        assertEquals("at instruction 0: call into the second half of the lddw at instruction 1: actual target slot 2"
                + " vs expected the start of an instruction", refusal(intoLddw, lddw(R0, 1), exit()));
    }

    @Test
    void fallingOffTheEnd() {
        assertEquals("at instruction 1: execution can fall through into the end of the program: actual 0xb7 vs"
                + " expected exit or ja as the last instruction", refusal(mov64(R0, 0), mov64(R0, 1)));
        assertEquals("at instruction 2: execution can fall through into the subprogram at instruction 3: actual 0xb7"
                + " vs expected exit or ja as the last instruction",
                refusal(callLocal("f"), exit(), mov64(R0, 1), label("f"), mov64(R0, 2), exit()));
    }

    @Test
    void writesToR10() {
        assertEquals("at instruction 0: r10 is read-only: actual write to r10 by 0xb7 vs expected r0..r9",
                refusal(mov64(R10, 0), exit()));
        assertEquals("at instruction 0: r10 is read-only: actual write to r10 by 0x79 vs expected r0..r9",
                refusal(ldx(Size.DW, R10, R1, 0), exit()));
        assertEquals("at instruction 0: r10 is read-only: actual write to r10 by 0xdb vs expected r0..r9",
                refusal(atomic(Size.DW, AtomicOp.ADD, true, R1, 0, R10), exit()));
    }

    @Test
    void recursion() {
        assertEquals("at instruction 2: recursive call: actual call of the subprogram at instruction 2, which is"
                + " running, vs expected no recursion", refusal(callLocal("f"), exit(), label("f"), callLocal("f"), exit()));
    }

    @Test
    void jumpIntoAnotherSubprogram() {
        assertEquals("at instruction 1: jump into another subprogram: actual target slot 4 vs expected slots 0..2",
                refusal(callLocal("f"), ja("g"), exit(), label("f"), mov64(R0, 1), label("g"), exit()));
    }

    @Test
    void whatUserspaceCannotMean() {
        assertEquals("at instruction 0: kfunc calls are not supported in userspace: actual call of BTF id 77 vs"
                + " expected a helper or local call", refusal(callKfunc(77), exit()));
        Instruction ldAbs = new Instruction(Opcode.memory(InstructionClass.LD, Mode.ABS, Size.W), R0, R0, 0, 0);
        assertEquals("at instruction 0: legacy packet access 0x20 (ld abs/ind) needs a socket buffer: actual opcode"
                + " 0x20 vs expected a load through a register (ldx)", refusal(ldAbs, exit()));
        assertEquals("at instruction 0: lddw pseudo source BTF_ID is not supported: actual src 3 vs expected 0"
                + " (imm64), 1, 2, 5 or 6 (maps) or 4 (a callback)", refusal(ldImm64(R1, PseudoSource.BTF_ID, 5), exit()));
        assertEquals("at instruction 0: callback out of range: actual target slot 8 vs expected 0..2",
                refusal(ldImm64(R1, PseudoSource.FUNC, 7), exit()));
        assertEquals("at instruction 0: helper id: actual -1 vs expected 0..65535", refusal(call(-1), exit()));
    }

    @Test
    void emptyProgram() {
        assertEquals("at instruction 0: empty program: actual 0 instructions vs expected at least 1",
                refusal(List.of()));
    }
}
