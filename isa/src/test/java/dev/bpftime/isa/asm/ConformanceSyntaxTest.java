package dev.bpftime.isa.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.Asm;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionDecoder;
import dev.bpftime.isa.Opcode;
import dev.bpftime.isa.PseudoSource;
import dev.bpftime.isa.Register;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The printer's exact text for decoded bytes, and its refusals. */
class ConformanceSyntaxTest {

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            b7 00 00 00 ff ff ff ff                         | mov %r0, -1
            b7 00 00 00 ff 00 00 00                         | mov %r0, 255
            b4 00 00 00 00 01 00 00                         | mov32 %r0, 0x100
            b4 00 00 00 00 00 00 80                         | mov32 %r0, -2147483648
            18 00 00 00 88 77 66 55 00 00 00 00 44 33 22 11 | lddw %r0, 0x1122334455667788
            18 01 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff | lddw %r1, 0xffffffffffffffff
            18 01 00 00 07 00 00 00 00 00 00 00 00 00 00 00 | lddw %r1, 7
            61 10 fc ff 00 00 00 00                         | ldxw %r0, [%r1-4]
            69 10 00 00 00 00 00 00                         | ldxh %r0, [%r1]
            89 10 02 00 00 00 00 00                         | ldxsh %r0, [%r1+2]
            7a 0a 00 80 05 00 00 00                         | stdw [%r10-32768], 5
            73 1a f8 ff 00 00 00 00                         | stxb [%r10-8], %r1
            c3 1a f8 ff 01 00 00 00                         | lock fetch add32 [%r10-8], %r1
            db 1a f8 ff a0 00 00 00                         | lock xor [%r10-8], %r1
            db 1a f8 ff e1 00 00 00                         | lock xchg [%r10-8], %r1
            c3 1a f8 ff f1 00 00 00                         | lock cmpxchg32 [%r10-8], %r1
            05 00 ff ff 00 00 00 00                         | ja -1
            05 00 00 00 00 00 00 00                         | ja +0
            06 00 00 00 03 00 00 00                         | ja32 +3
            5e 21 fd ff 00 00 00 00                         | jne32 %r1, %r2, -3
            a5 01 01 00 00 10 00 00                         | jlt %r1, 0x1000, +1
            85 00 00 00 05 00 00 00                         | call 5
            85 10 00 00 fd ff ff ff                         | call local -3
            85 20 00 00 07 00 00 00                         | call runtime 7
            8d 02 00 00 00 00 00 00                         | call %r2
            95 00 00 00 00 00 00 00                         | exit
            dc 01 00 00 10 00 00 00                         | be16 %r1
            d4 01 00 00 40 00 00 00                         | le64 %r1
            d7 01 00 00 20 00 00 00                         | bswap32 %r1
            bc 21 08 00 00 00 00 00                         | movsx832 %r1, %r2
            bf 21 20 00 00 00 00 00                         | movsx3264 %r1, %r2
            34 01 01 00 fd ff ff ff                         | sdiv32 %r1, -3
            9f 21 01 00 00 00 00 00                         | smod %r1, %r2
            87 03 00 00 00 00 00 00                         | neg %r3
            """)
    void printsDecodedBytes(String hex, String text) {
        List<Instruction> decoded = InstructionDecoder.decode(Hex.bytes(hex));
        assertEquals(text + "\n", ConformanceSyntax.print(decoded));
        assertEquals(decoded, Assembler.assemble(text));
    }

    @Test
    void oneLinePerInstruction() {
        List<Instruction> program = Assembler.assemble("lddw %r0, 1\nmov %r1, 2\nexit");
        assertEquals("lddw %r0, 1\nmov %r1, 2\nexit\n", ConformanceSyntax.print(program));
    }

    @Test
    void refusesWhatTheSyntaxCannotSay() {
        Instruction ldAbs = InstructionDecoder.decode(Hex.bytes("20 00 00 00 04 00 00 00")).get(0);
        assertRefused(ldAbs, "legacy packet load 0x20 has no bpf_conformance syntax");

        Instruction mapFd = Asm.ldMapFd(Register.R1, 3);
        assertRefused(mapFd, "lddw with pseudo source MAP_FD has no bpf_conformance syntax: actual src 1 vs expected 0");

        Instruction kfuncInModule = new Instruction(Opcode.CALL, Register.R0, Register.R2, 1, 77);
        assertRefused(kfuncInModule, "module BTF index 1");

        Instruction reserved = new Instruction(Opcode.alu(true, dev.bpftime.isa.AluOp.MOV, false), Register.R0,
                Register.R1, 0, 5);
        assertRefused(reserved, "not a valid instruction, so not printable: at instruction 0: reserved field src");
        assertEquals(PseudoSource.MAP_FD, mapFd.pseudoSource());
    }

    private static void assertRefused(Instruction insn, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConformanceSyntax.print(insn));
        assertTrue(e.getMessage().contains(fragment), () -> "actual '" + e.getMessage() + "' vs expected '" + fragment + "'");
    }
}
