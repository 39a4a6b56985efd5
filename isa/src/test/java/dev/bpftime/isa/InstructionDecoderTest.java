package dev.bpftime.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InstructionDecoderTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            mov64 r1 = 22         | b7 01 00 00 16 00 00 00 | 0xb7 | 1  | 0  | 0     | 22
            add64 r1 += r2        | 0f 21 00 00 00 00 00 00 | 0x0f | 1  | 2  | 0     | 0
            ldxdw r0 = [r10-8]    | 79 a0 f8 ff 00 00 00 00 | 0x79 | 0  | 10 | -8    | 0
            stw [r10-4] = -1      | 62 0a fc ff ff ff ff ff | 0x62 | 10 | 0  | -4    | -1
            jgt r1 > 4 goto +3    | 25 01 03 00 04 00 00 00 | 0x25 | 1  | 0  | 3     | 4
            gotol +65536          | 06 00 00 00 00 00 01 00 | 0x06 | 0  | 0  | 0     | 65536
            call helper 1         | 85 00 00 00 01 00 00 00 | 0x85 | 0  | 0  | 0     | 1
            call local -5         | 85 10 00 00 fb ff ff ff | 0x85 | 0  | 1  | 0     | -5
            call kfunc, module 2  | 85 20 02 00 10 27 00 00 | 0x85 | 0  | 2  | 2     | 10000
            callx r2              | 8d 02 00 00 00 00 00 00 | 0x8d | 2  | 0  | 0     | 0
            sdiv64 r1 /= r2       | 3f 21 01 00 00 00 00 00 | 0x3f | 1  | 2  | 1     | 0
            smod32 r1 %= -3       | 94 01 01 00 fd ff ff ff | 0x94 | 1  | 0  | 1     | -3
            movsx64 r1 = (s32)r2  | bf 21 20 00 00 00 00 00 | 0xbf | 1  | 2  | 32    | 0
            movsx32 w1 = (s8)w2   | bc 21 08 00 00 00 00 00 | 0xbc | 1  | 2  | 8     | 0
            ldxsb r1 = [r2+1]     | 91 21 01 00 00 00 00 00 | 0x91 | 1  | 2  | 1     | 0
            bswap64 r3            | d7 03 00 00 40 00 00 00 | 0xd7 | 3  | 0  | 0     | 64
            be16 r3               | dc 03 00 00 10 00 00 00 | 0xdc | 3  | 0  | 0     | 16
            lock fetch add64      | db 21 00 00 01 00 00 00 | 0xdb | 1  | 2  | 0     | 1
            cmpxchg32             | c3 21 08 00 f1 00 00 00 | 0xc3 | 1  | 2  | 8     | 241
            ldabsb                | 30 00 00 00 0e 00 00 00 | 0x30 | 0  | 0  | 0     | 14
            ldindw r7             | 40 70 00 00 02 00 00 00 | 0x40 | 0  | 7  | 0     | 2
            exit                  | 95 00 00 00 00 00 00 00 | 0x95 | 0  | 0  | 0     | 0
            """)
    void decodesOneSlot(String what, String bytes, String opcode, int dst, int src, int off, long imm) {
        List<Instruction> prog = InstructionDecoder.decode(hex(bytes));
        assertEquals(1, prog.size(), what);
        Instruction i = prog.get(0);
        assertEquals(Integer.decode(opcode), i.opcode().value(), what);
        assertEquals(dst, i.dst().index(), what);
        assertEquals(src, i.src().index(), what);
        assertEquals(off, i.offset(), what);
        assertEquals(imm, i.imm(), what);
        assertEquals(bytes.replace(" ", ""), HexFormat.of().formatHex(InstructionEncoder.encode(prog)), what);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            plain constant | 18 01 00 00 44 33 22 11 00 00 00 00 88 77 66 55 | 0 | 0x5566778811223344
            map fd 7       | 18 11 00 00 07 00 00 00 00 00 00 00 00 00 00 00 | 1 | 7
            map value +16  | 18 21 00 00 07 00 00 00 00 00 00 00 10 00 00 00 | 2 | 0x1000000007
            btf id         | 18 31 00 00 2a 00 00 00 00 00 00 00 00 00 00 00 | 3 | 42
            func           | 18 41 00 00 05 00 00 00 00 00 00 00 00 00 00 00 | 4 | 5
            map idx        | 18 51 00 00 01 00 00 00 00 00 00 00 00 00 00 00 | 5 | 1
            map idx value  | 18 61 00 00 01 00 00 00 00 00 00 00 08 00 00 00 | 6 | 0x800000001
            """)
    void decodesLddwAsOneWideInstruction(String what, String bytes, int pseudo, String imm) {
        List<Instruction> prog = InstructionDecoder.decode(hex(bytes));
        assertEquals(1, prog.size());
        Instruction i = prog.get(0);
        assertEquals(2, i.width());
        assertEquals(PseudoSource.ofOrNull(pseudo), i.pseudoSource());
        assertEquals(Long.decode(imm).longValue(), i.imm());
        assertEquals(bytes.replace(" ", ""), HexFormat.of().formatHex(InstructionEncoder.encode(prog)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown opcode           | ff 00 00 00 00 00 00 00                         | at instruction 0: unknown opcode 0xff
            unknown alu op 0xe       | e7 00 00 00 00 00 00 00                         | unknown opcode 0xe7
            neg with register source | 8f 00 00 00 00 00 00 00                         | unknown opcode 0x8f
            bswap with X source      | df 00 00 00 40 00 00 00                         | unknown opcode 0xdf
            jmp32 exit               | 96 00 00 00 00 00 00 00                         | unknown opcode 0x96
            ldx dw sign-extending    | 99 21 00 00 00 00 00 00                         | unknown opcode 0x99
            st atomic                | c2 01 00 00 00 00 00 00                         | unknown opcode 0xc2
            atomic byte size         | d3 21 00 00 00 00 00 00                         | unknown opcode 0xd3
            add imm with offset      | 07 00 01 00 01 00 00 00                         | reserved field offset of 0x07: actual 1 vs expected 0
            add imm with src         | 07 10 00 00 01 00 00 00                         | reserved field src of 0x07 is not zero: actual 1 vs expected 0
            add reg with imm         | 0f 00 00 00 01 00 00 00                         | reserved field imm of 0x0f is not zero: actual 1 vs expected 0
            div offset 2             | 3f 21 02 00 00 00 00 00                         | actual 2 vs expected 0 or 1
            movsx32 from 32 bits     | bc 21 20 00 00 00 00 00                         | actual 32 vs expected 0, 8 or 16
            exit with dst            | 95 01 00 00 00 00 00 00                         | reserved field dst of 0x95 is not zero: actual 1 vs expected 0
            helper call with offset  | 85 00 01 00 00 00 00 00                         | reserved field offset of 0x85 is not zero: actual 1 vs expected 0
            call kind 3              | 85 30 00 00 00 00 00 00                         | call kind in src: actual 3 vs expected 0 (helper), 1 (local) or 2 (kfunc)
            ja with imm              | 05 00 00 00 01 00 00 00                         | reserved field imm of 0x05 is not zero: actual 1 vs expected 0
            gotol with offset        | 06 00 01 00 00 00 00 00                         | reserved field offset of 0x06 is not zero: actual 1 vs expected 0
            byte swap width 8        | dc 01 00 00 08 00 00 00                         | byte swap width: actual 8 vs expected 16, 32 or 64
            bad dst register         | bf 0b 00 00 00 00 00 00                         | bad register in dst: actual r11 vs expected r0..r10
            bad src register         | bf f1 00 00 00 00 00 00                         | bad register in src: actual r15 vs expected r0..r10
            unknown atomic op        | db 21 00 00 10 00 00 00                         | unknown atomic operation: actual imm 0x10
            lddw without second half | 18 01 00 00 01 00 00 00                         | at instruction 0: lddw is missing its second half
            lddw second half opcode  | 18 01 00 00 01 00 00 00 95 00 00 00 00 00 00 00 | at instruction 1: second half of lddw must be zero but for its immediate: actual opcode 0x95
            lddw pseudo source 7     | 18 71 00 00 01 00 00 00 00 00 00 00 00 00 00 00 | lddw pseudo source: actual 7 vs expected 0..6
            truncated slot           | 95 00 00 00 00 00 00                            | program length is not a whole number of instructions: actual 7 bytes vs expected a multiple of 8
            """)
    void refusesMalformedInstructions(String what, String bytes, String expected) {
        DecodeException e = assertThrows(DecodeException.class, () -> InstructionDecoder.decode(hex(bytes)), what);
        assertTrue(e.getMessage().contains(expected), () -> what + ": message was: " + e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void namesTheSlotOfTheBadInstruction() {
        byte[] prog = hex("18 01 00 00 01 00 00 00 00 00 00 00 00 00 00 00" // slots 0-1
                + "b7 00 00 00 00 00 00 00" // slot 2
                + "ff 00 00 00 00 00 00 00"); // slot 3
        DecodeException e = assertThrows(DecodeException.class, () -> InstructionDecoder.decode(prog));
        assertEquals(3, e.slot());
        assertTrue(e.getMessage().startsWith("at instruction 3: unknown opcode 0xff"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void bigEndianSwapsTheRegisterNibbles() {
        // bpfeb: "r1 = *(u64 *)(r10 - 8)" has dst in the high nibble and the multi-byte fields big-endian.
        byte[] be = hex("79 1a ff f8 00 00 00 00");
        Instruction i = InstructionDecoder.decode(be, 0, be.length, ByteOrder.BIG_ENDIAN).get(0);
        assertEquals(Register.R1, i.dst());
        assertEquals(Register.R10, i.src());
        assertEquals(-8, i.offset());
        assertEquals(HexFormat.of().formatHex(be),
                HexFormat.of().formatHex(InstructionEncoder.encode(List.of(i), ByteOrder.BIG_ENDIAN)));
    }
}
