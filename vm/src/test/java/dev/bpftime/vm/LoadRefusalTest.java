package dev.bpftime.vm;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.Asm;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.AtomicOp;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionEncoder;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Opcode;
import dev.bpftime.isa.Register;
import dev.bpftime.isa.Size;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Programs the loader refuses before they run, each with the message naming the instruction. */
class LoadRefusalTest {

    private record Refusal(String name, byte[] code, int instruction, String message) {
    }

    private static Refusal r(String name, int instruction, String message, AsmItem... program) {
        return new Refusal(name, InstructionEncoder.encode(Asm.assemble(program)), instruction, message);
    }

    private static Refusal raw(String name, int instruction, String message, String hex) {
        return new Refusal(name, HexFormat.of().parseHex(hex.replace(" ", "")), instruction, message);
    }

    private static Instruction op(int opcode) {
        return new Instruction(new Opcode(opcode), Register.R0, Register.R0, 0, 0);
    }

    private static Instruction insn(int opcode, Register dst, Register src, int off, int imm) {
        return new Instruction(new Opcode(opcode), dst, src, off, imm);
    }

    private static final List<Refusal> REFUSALS = List.of(
            r("unknown opcode", 1, "at instruction 1: unknown opcode 0xff", mov64(R0, 0), op(0xff), exit()),
            r("unassigned ALU64 operation", 0, "at instruction 0: unknown opcode 0xe7", op(0xe7), exit()),
            r("neg with a register source", 0, "at instruction 0: unknown opcode 0x8f", op(0x8f), exit()),
            r("bswap with a register source", 0, "at instruction 0: unknown opcode 0xdf",
                    insn(0xdf, R0, R0, 0, 16), exit()),
            r("JMP32 call", 0, "at instruction 0: unknown opcode 0x86", op(0x86), exit()),
            r("JMP32 exit", 0, "at instruction 0: unknown opcode 0x96", op(0x96), exit()),
            r("ja with a register source", 0, "at instruction 0: unknown opcode 0x0d", op(0x0d), exit()),
            r("unassigned jump operation", 0, "at instruction 0: unknown opcode 0xe5", op(0xe5), exit()),
            r("sign-extending 64-bit load", 0, "at instruction 0: unknown opcode 0x99", op(0x99), exit()),
            r("unassigned load mode", 0, "at instruction 0: unknown opcode 0xa1", op(0xa1), exit()),
            r("atomic immediate store", 0, "at instruction 0: unknown opcode 0xda", op(0xda), exit()),
            r("atomic byte", 0, "at instruction 0: unknown opcode 0xd3", op(0xd3), exit()),
            r("legacy packet load", 0, "at instruction 0: legacy packet access opcode 0x30 is not supported",
                    op(0x30), exit()),
            r("unknown atomic operation", 0, "at instruction 0: unknown atomic operation: actual imm 0x2 vs expected "
                    + "one of add, or, and, xor (each with or without fetch), xchg, cmpxchg",
                    insn(0xdb, R1, R2, 0, 2), exit()),
            r("byte swap width", 0, "at instruction 0: byte swap width: actual 8 vs expected 16, 32 or 64",
                    insn(0xd4, R0, R0, 0, 8), exit()),
            r("movsx32 of 32 bits", 0, "at instruction 0: offset of opcode 0xbc: actual 32 vs expected 0, 8 or 16",
                    movsx32(R0, R1, 32), exit()),
            r("mov imm with an offset", 0, "at instruction 0: offset of opcode 0xb7: actual 8 vs expected 0",
                    insn(0xb7, R0, R0, 8, 1), exit()),
            r("sdiv offset 2", 0, "at instruction 0: offset of opcode 0x3f: actual 2 vs expected 0 or 1",
                    insn(0x3f, R0, R1, 2, 0), exit()),
            r("add with an offset", 0, "at instruction 0: reserved field offset of opcode 0x07: actual 3 vs expected 0",
                    insn(0x07, R0, R0, 3, 1), exit()),

            r("jump forward out of range", 0, "at instruction 0: jump target out of range: actual 6 vs expected 0..1",
                    insn(0x05, R0, R0, 5, 0), exit()),
            r("jump backward out of range", 1, "at instruction 1: jump target out of range: actual -1 vs expected 0..2",
                    mov64(R0, 0), insn(0x15, R0, R0, -3, 0), exit()),
            r("gotol out of range", 0, "at instruction 0: jump target out of range: actual 100001 vs expected 0..1",
                    insn(0x06, R0, R0, 0, 100_000), exit()),
            r("jump into the second half of an lddw", 0, "at instruction 0: jump target 2 is the second half of the "
                    + "lddw at instruction 1: actual slot 2 vs expected the first slot of an instruction",
                    insn(0x05, R0, R0, 1, 0), lddw(R0, 1), exit()),
            r("conditional jump into the second half of an lddw", 3, "at instruction 3: jump target 2 is the second "
                    + "half of the lddw at instruction 1: actual slot 2 vs expected the first slot of an instruction",
                    mov64(R0, 0), lddw(R0, 1), insn(0x55, R0, R0, -2, 0), exit()),
            r("local call out of range", 0, "at instruction 0: call target out of range: actual 9 vs expected 0..1",
                    insn(0x85, R0, R1, 0, 8), exit()),
            r("local call into the second half of an lddw", 0, "at instruction 0: call target 2 is the second half "
                    + "of the lddw at instruction 1: actual slot 2 vs expected the first slot of an instruction",
                    insn(0x85, R0, R1, 0, 1), lddw(R0, 1), exit()),
            r("kfunc call", 0, "at instruction 0: kfunc call of BTF id 1234: kernel functions are not available",
                    callKfunc(1234), exit()),
            r("unknown call kind", 0, "at instruction 0: call kind in src: actual 3 vs expected 0 (helper) or 1 (local)",
                    insn(0x85, R0, R3, 0, 1), exit()),
            r("negative helper id", 0, "at instruction 0: helper id: actual -1 vs expected 0..65535",
                    call(-1), exit()),

            r("last instruction falls through", 0, "at instruction 0: the last instruction may fall through: actual "
                    + "opcode 0xb7 vs expected exit (0x95), ja (0x05) or gotol (0x06)", mov64(R0, 0)),
            r("last instruction is a conditional jump", 1, "at instruction 1: the last instruction may fall through: "
                    + "actual opcode 0x15 vs expected exit (0x95), ja (0x05) or gotol (0x06)",
                    label("top"), mov64(R0, 0), jump(JumpOp.JEQ, R0, 0, "top")),
            r("last instruction is a call", 1, "at instruction 1: the last instruction may fall through: actual "
                    + "opcode 0x85 vs expected exit (0x95), ja (0x05) or gotol (0x06)", mov64(R0, 0), call(1)),
            raw("program ends inside an lddw", 1, "at instruction 1: lddw is missing its second half: actual end of "
                    + "program after 2 slots vs expected a slot 2", "9500000000000000 1800000000000000"),
            r("program ends with an lddw", 2, "at instruction 2: the last instruction may fall through: actual the "
                    + "second half of an lddw vs expected exit (0x95), ja (0x05) or gotol (0x06)",
                    exit(), lddw(R0, 1)),
            raw("second half of lddw is not empty", 1, "at instruction 1: second half of lddw must be zero but for "
                    + "its immediate: actual opcode 0x95, registers 0x00, offset 0 vs expected 0, 0, 0",
                    "1800000001000000 9500000000000000 9500000000000000"),
            r("unresolved map reference", 0, "at instruction 0: lddw pseudo source 1 is not resolved: actual src 1 vs "
                    + "expected 0 or 4 (the loader replaces map and BTF references by values)", ldMapFd(R1, 3), exit()),

            r("mov to r10", 0, "at instruction 0: opcode 0xb7 writes r10: actual r10 vs expected r0..r9 (r10 is the "
                    + "read-only frame pointer)", mov64(R10, 0), exit()),
            r("add to r10", 0, "at instruction 0: opcode 0x07 writes r10: actual r10 vs expected r0..r9 (r10 is the "
                    + "read-only frame pointer)", add64(R10, -8), exit()),
            r("load into r10", 0, "at instruction 0: opcode 0x79 writes r10: actual r10 vs expected r0..r9 (r10 is the "
                    + "read-only frame pointer)", ldx(Size.DW, R10, R1, 0), exit()),
            r("lddw into r10", 0, "at instruction 0: opcode 0x18 writes r10: actual r10 vs expected r0..r9 (r10 is the "
                    + "read-only frame pointer)", lddw(R10, 0), exit()),
            r("atomic fetch into r10", 0, "at instruction 0: opcode 0xdb writes r10: actual r10 vs expected r0..r9 "
                    + "(r10 is the read-only frame pointer)", atomic(Size.DW, AtomicOp.ADD, true, R1, 0, R10), exit()),
            raw("dst register 11", 0, "at instruction 0: bad register in dst: actual r11 vs expected r0..r10",
                    "b70b000000000000 9500000000000000"),
            raw("src register 12", 0, "at instruction 0: bad register in src: actual r12 vs expected r0..r10",
                    "bfc0000000000000 9500000000000000"),
            raw("src register 15 of a load", 0, "at instruction 0: bad register in src: actual r15 vs expected r0..r10",
                    "79f0000000000000 9500000000000000"),

            raw("empty program", 0, "at instruction 0: empty program: actual 0 instructions vs expected at least 1", ""),
            raw("partial instruction", 1, "at instruction 1: program length is not a whole number of instructions: "
                    + "actual 12 bytes vs expected a multiple of 8", "9500000000000000 95000000"));

    @TestFactory
    Stream<DynamicTest> refusals() {
        return REFUSALS.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            VmException e = assertThrows(VmException.class, () -> Interpreter.load(k.code()).close());
            assertEquals(VmStatus.REFUSED, e.status());
            assertEquals(k.message(), e.getMessage());
            assertEquals(k.instruction(), e.instruction());
        }));
    }

    @Test
    void writesThroughR10AndNonFetchAtomicsFromR10AreAllowed() {
        assertEquals(0, Run.r0(
                st(Size.DW, R10, -8, 0),
                stx(Size.DW, R10, -16, R10),
                atomic(Size.DW, AtomicOp.ADD, false, R10, -8, R10),
                mov64(R0, R10),
                alu64(AluOp.SUB, R0, R10),
                exit()));
    }

    @Test
    void programOfTheMaximumLengthLoadsAndOneSlotMoreIsRefused() {
        byte[] exit = InstructionEncoder.encode(exit());
        byte[] code = new byte[(KernelConstants.MAX_SLOTS + 1) * 8];
        for (int i = 0; i < KernelConstants.MAX_SLOTS + 1; i++) {
            System.arraycopy(exit, 0, code, i * 8, 8);
        }
        try (Interpreter vm = Interpreter.load(Arrays.copyOf(code, KernelConstants.MAX_SLOTS * 8))) {
            assertEquals(KernelConstants.MAX_SLOTS, vm.slotCount());
        }
        VmException e = assertThrows(VmException.class, () -> Interpreter.load(code));
        assertEquals("program too long: actual 1000001 instructions vs expected at most 1000000", e.getMessage());
        assertEquals(-1, e.instruction());
    }

    @Test
    void validProgramsWithEveryEndingLoad() {
        assertEquals(1, Run.r0(mov64(R0, 1), exit()));
        assertEquals(2, Run.r0(mov64(R0, 2), ja("end"), label("end"), exit()));
        assertEquals(3, Run.r0(mov64(R0, 3), exit(), label("back"), gotol("back")));
    }
}
