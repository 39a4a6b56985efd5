package dev.bpftime.cli;

import static dev.bpftime.isa.Asm.atomic;
import static dev.bpftime.isa.Asm.call;
import static dev.bpftime.isa.Asm.exit;
import static dev.bpftime.isa.Asm.jump;
import static dev.bpftime.isa.Asm.label;
import static dev.bpftime.isa.Asm.ldMapFd;
import static dev.bpftime.isa.Asm.mov64;
import static dev.bpftime.isa.Register.R0;
import static dev.bpftime.isa.Register.R1;
import static dev.bpftime.isa.Register.R10;
import static dev.bpftime.isa.Register.R2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.Asm;
import dev.bpftime.isa.AtomicOp;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionEncoder;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Size;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecodeCommandTest {

    private static final List<Instruction> PROGRAM = Asm.assemble(
            mov64(R0, 0),
            ldMapFd(R2, 5),
            atomic(Size.DW, AtomicOp.ADD, true, R10, -8, R1),
            jump(JumpOp.JGT, R1, 4, "out"),
            call(14),
            label("out"),
            exit());

    @Test
    void printsEachInstructionAtItsSlotWithItsOwnBytes() {
        byte[] code = InstructionEncoder.encode(PROGRAM);
        CliRun run = CliRun.of("decode", "--hex", HexText.format(code, 0, code.length));
        assertEquals(0, run.code(), run.err());
        String[] lines = run.lines();
        assertEquals(PROGRAM.size(), lines.length, run.out());
        int slot = 0;
        for (int i = 0; i < PROGRAM.size(); i++) {
            Instruction insn = PROGRAM.get(i);
            String bytes = HexText.format(InstructionEncoder.encode(insn), 0, insn.width() * 8);
            assertTrue(lines[i].startsWith(slot + ": " + bytes + " "), lines[i]);
            assertTrue(lines[i].endsWith(InstructionFields.describe(insn)), lines[i]);
            slot += insn.width();
        }
    }

    @Test
    void fieldsStartInOneColumn() {
        byte[] code = InstructionEncoder.encode(PROGRAM);
        String[] lines = CliRun.of("decode", "-x", HexText.format(code, 0, code.length)).lines();
        int column = lines[0].indexOf("alu64");
        assertEquals(column, lines[1].indexOf("ld imm dw"), String.join("\n", lines));
        assertEquals(column, lines[lines.length - 1].indexOf("jmp exit"), String.join("\n", lines));
    }

    @Test
    void readsRawBytesFromAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("prog.bin");
        Files.write(file, InstructionEncoder.encode(PROGRAM));
        CliRun fromFile = CliRun.of("decode", file.toString());
        byte[] code = InstructionEncoder.encode(PROGRAM);
        assertEquals(0, fromFile.code(), fromFile.err());
        assertEquals(CliRun.of("decode", "--hex", HexText.format(code, 0, code.length)).out(), fromFile.out());
    }

    @Test
    void malformedInstructionGivesTheDecodersErrorAndNoOutput() {
        CliRun run = CliRun.of("decode", "--hex", "b7 00 00 00 00 00 00 00 ff 00 00 00 00 00 00 00");
        assertEquals(Main.EXIT_FAILED, run.code());
        assertEquals("bpftime: hex text: at instruction 1: unknown opcode 0xff\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void partialSlotIsRefused() {
        CliRun run = CliRun.of("decode", "--hex", "95 00 00 00 00 00 00 00 95");
        assertEquals(Main.EXIT_FAILED, run.code());
        assertTrue(run.err().contains("actual 9 bytes vs expected a multiple of 8"), run.err());
    }

    @Test
    void emptyInputIsRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("empty.bin");
        Files.write(file, new byte[0]);
        CliRun run = CliRun.of("decode", file.toString());
        assertEquals(Main.EXIT_FAILED, run.code());
        assertEquals("bpftime: " + file + ": actual 0 bytes vs expected at least one instruction (8 bytes)\n",
                run.err());
    }

    @Test
    void elfObjectIsRefusedWithAHint(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("prog.bpf.o");
        byte[] elf = new byte[64];
        elf[0] = 0x7f;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        Files.write(file, elf);
        CliRun run = CliRun.of("decode", file.toString());
        assertEquals(Main.EXIT_FAILED, run.code());
        assertTrue(run.err().startsWith("bpftime: " + file + ": actual an ELF object vs expected raw instruction"
                + " bytes; for an object use: bpftime disasm " + file), run.err());
    }

    @Test
    void directoryIsRefused(@TempDir Path dir) {
        CliRun run = CliRun.of("decode", dir.toString());
        assertEquals(Main.EXIT_FAILED, run.code());
        assertEquals("bpftime: cannot read " + dir + ": is a directory\n", run.err());
    }
}
