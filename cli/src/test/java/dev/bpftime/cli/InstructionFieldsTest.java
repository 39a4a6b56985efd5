package dev.bpftime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionDecoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The opcode text of raw instructions, written by hand from RFC 9669's opcode tables. */
class InstructionFieldsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "b7 01 00 00 2a 00 00 00                         | alu64 mov k             | dst=r1 src=r0 off=0 imm=42",
        "0f 21 00 00 00 00 00 00                         | alu64 add x             | dst=r1 src=r2 off=0 imm=0",
        "34 03 00 00 fe ff ff ff                         | alu div k               | dst=r3 src=r0 off=0 imm=-2",
        "dc 01 00 00 10 00 00 00                         | alu end be              | dst=r1 src=r0 off=0 imm=16",
        "d4 01 00 00 20 00 00 00                         | alu end le              | dst=r1 src=r0 off=0 imm=32",
        "d7 01 00 00 40 00 00 00                         | alu64 end bswap         | dst=r1 src=r0 off=0 imm=64",
        "2d 21 03 00 00 00 00 00                         | jmp jgt x               | dst=r1 src=r2 off=3 imm=0",
        "a6 01 fe ff 07 00 00 00                         | jmp32 jlt k             | dst=r1 src=r0 off=-2 imm=7",
        "85 00 00 00 0e 00 00 00                         | jmp call helper         | dst=r0 src=r0 off=0 imm=14",
        "85 10 00 00 02 00 00 00                         | jmp call local          | dst=r0 src=r1 off=0 imm=2",
        "8d 03 00 00 00 00 00 00                         | jmp call x              | dst=r3 src=r0 off=0 imm=0",
        "95 00 00 00 00 00 00 00                         | jmp exit                | dst=r0 src=r0 off=0 imm=0",
        "79 a1 f8 ff 00 00 00 00                         | ldx mem dw              | dst=r1 src=r10 off=-8 imm=0",
        "91 12 04 00 00 00 00 00                         | ldx memsx b             | dst=r2 src=r1 off=4 imm=0",
        "62 0a fc ff 01 00 00 00                         | st mem w                | dst=r10 src=r0 off=-4 imm=1",
        "db 1a f8 ff 01 00 00 00                         | stx atomic dw add fetch | dst=r10 src=r1 off=-8 imm=1",
        "c3 1a f8 ff f1 00 00 00                         | stx atomic w cmpxchg    | dst=r10 src=r1 off=-8 imm=241",
        "18 01 00 00 78 56 34 12 00 00 00 00 01 00 00 00 | ld imm dw               | dst=r1 src=r0 off=0 imm=0x112345678",
        "18 12 00 00 05 00 00 00 00 00 00 00 00 00 00 00 | ld imm dw map_fd        | dst=r2 src=r1 off=0 imm=0x5",
    })
    void describesOpcodeAndEveryField(String hex, String opcode, String fields) {
        Instruction insn = InstructionDecoder.decode(HexText.parse(hex)).get(0);
        assertEquals(opcode, InstructionFields.opcodeText(insn));
        assertEquals(String.format("%-" + InstructionFields.OPCODE_WIDTH + "s %s", opcode, fields),
                InstructionFields.describe(insn));
    }
}
