package dev.bpftime.isa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The set of opcodes the decoder accepts is exactly RFC 9669's Appendix A table, plus callx (0x8d),
 * which LLVM emits and bpf_conformance tests; and every accepted slot re-encodes to its own bytes.
 */
class OpcodeTableTest {

    private static final int[] RFC_9669_OPCODES = {
        // ALU: add sub mul div/sdiv or and lsh rsh (K, X), neg (K), mod/smod xor mov/movsx arsh (K, X), le be
        0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74, 0x7c,
        0x84, 0x94, 0x9c, 0xa4, 0xac, 0xb4, 0xbc, 0xc4, 0xcc, 0xd4, 0xdc,
        // ALU64: the same, with bswap (0xd7) for le/be
        0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f,
        0x87, 0x97, 0x9f, 0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0xd7,
        // JMP: ja, conditionals (K, X), call, exit
        0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55, 0x5d, 0x65, 0x6d, 0x75, 0x7d,
        0x85, 0x95, 0xa5, 0xad, 0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd,
        // JMP32: gotol, conditionals
        0x06, 0x16, 0x1e, 0x26, 0x2e, 0x36, 0x3e, 0x46, 0x4e, 0x56, 0x5e, 0x66, 0x6e, 0x76, 0x7e,
        0xa6, 0xae, 0xb6, 0xbe, 0xc6, 0xce, 0xd6, 0xde,
        // LD: lddw, legacy abs and ind
        0x18, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50,
        // LDX: mem, memsx
        0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91,
        // ST, STX: mem; atomic w and dw
        0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb,
    };

    /** Field values that make some slot of each valid opcode decode. */
    private static final int[] REGS = {0, 1, 2, 10, 11, 15};
    private static final int[] OFFSETS = {0, 1, -1, 8, 16, 32, 0x7fff, -0x8000};
    private static final int[] IMMS = {0, 1, -1, 16, 32, 64, 0x40, 0x41, 0x50, 0xa1, 0xe1, 0xf1, 0x7fffffff};

    @Test
    void acceptedOpcodesAreTheRfcTablePlusCallx() {
        Set<Integer> expected = new TreeSet<>();
        for (int op : RFC_9669_OPCODES) {
            expected.add(op);
        }
        expected.add(0x8d);
        Set<Integer> accepted = new TreeSet<>();
        int validSlots = 0;
        for (int op = 0; op < 256; op++) {
            for (int dst : REGS) {
                for (int src : REGS) {
                    for (int off : OFFSETS) {
                        for (int imm : IMMS) {
                            byte[] bytes = slot(op, dst, src, off, imm, op == 0x18);
                            try {
                                Instruction i = InstructionDecoder.decode(bytes).get(0);
                                accepted.add(op);
                                validSlots++;
                                assertArrayEquals(bytes, InstructionEncoder.encode(i), () -> "re-encode of " + i);
                                InstructionDecoder.check(i, 0);
                            } catch (DecodeException refused) {
                                // expected for most combinations
                            }
                        }
                    }
                }
            }
        }
        assertEquals(expected, accepted);
        System.out.println("opcode table: " + accepted.size() + " opcodes, " + validSlots + " valid slots re-encoded");
    }

    static byte[] slot(int op, int dst, int src, int off, int imm, boolean wide) {
        byte[] b = new byte[wide ? 16 : 8];
        b[0] = (byte) op;
        b[1] = (byte) ((src << 4) | dst);
        b[2] = (byte) off;
        b[3] = (byte) (off >> 8);
        b[4] = (byte) imm;
        b[5] = (byte) (imm >> 8);
        b[6] = (byte) (imm >> 16);
        b[7] = (byte) (imm >> 24);
        return b;
    }
}
