package dev.bpftime.isa;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class AsmTest {

    @Test
    void labelsCountLddwAsTwoSlots() {
        List<Instruction> prog = assemble(
                mov64(R0, 0),
                jump(JumpOp.JGT, R1, 4, "out"),
                lddw(R0, 0x1_0000_0000L),
                gotol("out"),
                callLocal("fn"),
                label("out"),
                exit(),
                label("fn"),
                mov64(R0, 7),
                exit());
        assertEquals(4, prog.get(1).branchDistance(), "jgt skips lddw (2), gotol, call");
        assertEquals(1, prog.get(3).branchDistance(), "gotol keeps its distance in imm");
        assertEquals(1, prog.get(4).branchDistance(), "local call skips exit");
        assertEquals(CallKind.LOCAL, prog.get(4).callKind());
        assertEquals("b70000000000000025010400040000001800000000000000000000000100000006000000010000008510000001000000"
                + "9500000000000000b7000000070000009500000000000000",
                HexFormat.of().formatHex(InstructionEncoder.encode(prog)));
        assertEquals(prog, InstructionDecoder.decode(InstructionEncoder.encode(prog)));
    }

    @Test
    void everyDslInstructionIsValid() {
        List<Instruction> prog = assemble(
                alu64(AluOp.ARSH, R1, 3), alu32(AluOp.LSH, R1, R2), signed(alu64(AluOp.DIV, R1, R2)),
                signed(alu32(AluOp.MOD, R3, -7)), movsx32(R1, R2, 8), neg64(R4), neg32(R4), le(R5, 16),
                be(R5, 64), bswap(R5, 32), ldx(Size.B, R0, R1, 3), ldxsx(Size.H, R0, R1, 2), st(Size.DW, FP, -8, -1),
                stx(Size.H, FP, -2, R1), atomic(Size.W, AtomicOp.CMPXCHG, true, FP, -4, R1),
                atomic(Size.DW, AtomicOp.XCHG, true, FP, -8, R1), atomic(Size.DW, AtomicOp.OR, false, FP, -8, R1),
                ldMapFd(R1, 3), ldMapValue(R2, 4, 16), callKfunc(1234), call(1),
                jump32(JumpOp.JSLT, R1, R2, "end"), jump32(JumpOp.JSET, R1, 1, "end"), ja("end"),
                label("end"), exit());
        for (int i = 0, slot = 0; i < prog.size(); slot += prog.get(i).width(), i++) {
            InstructionDecoder.check(prog.get(i), slot);
        }
        assertEquals(prog, InstructionDecoder.decode(InstructionEncoder.encode(prog)));
    }

    @Test
    void undefinedOrDuplicateLabelsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> assemble(ja("nowhere"), exit()));
        assertThrows(IllegalArgumentException.class, () -> assemble(label("a"), label("a"), exit()));
    }
}
