package dev.bpftime.isa.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpftime.isa.DecodeException;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionDecoder;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every instruction form, as raw little-endian bytes, with the text llvm-objdump-19 -d prints for it
 * (and, where it differs, with --mattr=+alu32). The texts were taken from llvm-objdump-19's output;
 * {@link LlvmOracleTest} checks the whole opcode space against the tool itself.
 */
class LlvmSyntaxTest {

    /** bytes, default text, alu32 text when different. */
    private static final String[][] FORMS = {
            {"07 01 00 00 05 00 00 00", "r1 += 0x5"},
            {"04 01 00 00 ff ff ff ff", "w1 += -0x1"},
            {"0f 21 00 00 00 00 00 00", "r1 += r2"},
            {"0c 21 00 00 00 00 00 00", "w1 += w2"},
            {"17 01 00 00 01 00 00 00", "r1 -= 0x1"},
            {"1f 21 00 00 00 00 00 00", "r1 -= r2"},
            {"27 01 00 00 03 00 00 00", "r1 *= 0x3"},
            {"2c 21 00 00 00 00 00 00", "w1 *= w2"},
            {"37 01 00 00 0a 00 00 00", "r1 /= 0xa"},
            {"37 01 01 00 0a 00 00 00", "r1 s/= 0xa"},
            {"3c 21 01 00 00 00 00 00", "w1 s/= w2"},
            {"3f 21 00 00 00 00 00 00", "r1 /= r2"},
            {"47 01 00 00 f0 00 00 00", "r1 |= 0xf0"},
            {"4c 21 00 00 00 00 00 00", "w1 |= w2"},
            {"57 01 00 00 ff 00 00 00", "r1 &= 0xff"},
            {"5c 21 00 00 00 00 00 00", "w1 &= w2"},
            {"67 01 00 00 20 00 00 00", "r1 <<= 0x20"},
            {"6c 21 00 00 00 00 00 00", "w1 <<= w2"},
            {"77 01 00 00 20 00 00 00", "r1 >>= 0x20"},
            {"7c 21 00 00 00 00 00 00", "w1 >>= w2"},
            {"87 01 00 00 00 00 00 00", "r1 = -r1"},
            {"84 01 00 00 00 00 00 00", "w1 = -w1"},
            {"97 01 00 00 07 00 00 00", "r1 %= 0x7"},
            {"97 01 01 00 07 00 00 00", "r1 s%= 0x7"},
            {"9c 21 01 00 00 00 00 00", "w1 s%= w2"},
            {"a7 01 00 00 01 00 00 00", "r1 ^= 0x1"},
            {"ac 21 00 00 00 00 00 00", "w1 ^= w2"},
            {"b7 00 00 00 01 00 00 00", "r0 = 0x1"},
            {"b4 00 00 00 00 00 00 80", "w0 = -0x80000000"},
            {"bf a2 00 00 00 00 00 00", "r2 = r10"},
            {"bc 10 00 00 00 00 00 00", "w0 = w1"},
            {"bf 21 08 00 00 00 00 00", "r1 = (s8)r2"},
            {"bf 21 10 00 00 00 00 00", "r1 = (s16)r2"},
            {"bf 21 20 00 00 00 00 00", "r1 = (s32)r2"},
            {"bc 21 08 00 00 00 00 00", "w1 = (s8)w2"},
            {"bc 21 10 00 00 00 00 00", "w1 = (s16)w2"},
            {"bf 21 01 00 01 00 00 00", "r1 = addr_space_cast(r2, 0x0, 0x1)"},
            {"c7 01 00 00 3f 00 00 00", "r1 s>>= 0x3f"},
            {"cc 21 00 00 00 00 00 00", "w1 s>>= w2"},
            {"d4 01 00 00 10 00 00 00", "r1 = le16 r1"},
            {"d4 01 00 00 20 00 00 00", "r1 = le32 r1"},
            {"d4 01 00 00 40 00 00 00", "r1 = le64 r1"},
            {"dc 01 00 00 10 00 00 00", "r1 = be16 r1"},
            {"dc 01 00 00 20 00 00 00", "r1 = be32 r1"},
            {"dc 01 00 00 40 00 00 00", "r1 = be64 r1"},
            {"d7 01 00 00 10 00 00 00", "r1 = bswap16 r1"},
            {"d7 01 00 00 20 00 00 00", "r1 = bswap32 r1"},
            {"d7 01 00 00 40 00 00 00", "r1 = bswap64 r1"},
            {"18 01 00 00 34 12 00 00 00 00 00 00 00 00 00 00", "r1 = 0x1234 ll"},
            {"18 01 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff", "r1 = -0x1 ll"},
            {"18 11 00 00 03 00 00 00 00 00 00 00 00 00 00 00", "ld_pseudo\tr1, 0x1, 0x3"},
            {"18 21 00 00 03 00 00 00 00 00 00 00 10 00 00 00", "ld_pseudo\tr1, 0x2, 0x3"},
            {"18 41 00 00 02 00 00 00 00 00 00 00 00 00 00 00", "ld_pseudo\tr1, 0x4, 0x2"},
            {"20 00 00 00 0c 00 00 00", "r0 = *(u32 *)skb[0xc]"},
            {"28 00 00 00 0c 00 00 00", "r0 = *(u16 *)skb[0xc]"},
            {"30 00 00 00 17 00 00 00", "r0 = *(u8 *)skb[0x17]"},
            {"40 20 00 00 00 00 00 00", "r0 = *(u32 *)skb[r2]"},
            {"48 30 00 00 00 00 00 00", "r0 = *(u16 *)skb[r3]"},
            {"50 40 00 00 00 00 00 00", "r0 = *(u8 *)skb[r4]"},
            {"61 12 04 00 00 00 00 00", "r2 = *(u32 *)(r1 + 0x4)", "w2 = *(u32 *)(r1 + 0x4)"},
            {"69 12 06 00 00 00 00 00", "r2 = *(u16 *)(r1 + 0x6)", "w2 = *(u16 *)(r1 + 0x6)"},
            {"71 12 ff ff 00 00 00 00", "r2 = *(u8 *)(r1 - 0x1)", "w2 = *(u8 *)(r1 - 0x1)"},
            {"79 a1 f8 ff 00 00 00 00", "r1 = *(u64 *)(r10 - 0x8)"},
            {"81 12 04 00 00 00 00 00", "r2 = *(s32 *)(r1 + 0x4)"},
            {"89 12 02 00 00 00 00 00", "r2 = *(s16 *)(r1 + 0x2)"},
            {"91 12 01 00 00 00 00 00", "r2 = *(s8 *)(r1 + 0x1)"},
            {"62 0a fc ff 2a 00 00 00", "*(u32 *)(r10 - 0x4) = 0x2a"},
            {"6a 0a fe ff 01 00 00 00", "*(u16 *)(r10 - 0x2) = 0x1"},
            {"72 0a ff ff ff ff ff ff", "*(u8 *)(r10 - 0x1) = -0x1"},
            {"7a 0a f8 ff 00 00 00 00", "*(u64 *)(r10 - 0x8) = 0x0"},
            {"63 1a fc ff 00 00 00 00", "*(u32 *)(r10 - 0x4) = r1", "*(u32 *)(r10 - 0x4) = w1"},
            {"6b 1a fe ff 00 00 00 00", "*(u16 *)(r10 - 0x2) = r1", "*(u16 *)(r10 - 0x2) = w1"},
            {"73 1a ff ff 00 00 00 00", "*(u8 *)(r10 - 0x1) = r1", "*(u8 *)(r10 - 0x1) = w1"},
            {"7b 1a f8 ff 00 00 00 00", "*(u64 *)(r10 - 0x8) = r1"},
            {"c3 21 00 00 00 00 00 00", "lock *(u32 *)(r1 + 0x0) += r2", "lock *(u32 *)(r1 + 0x0) += w2"},
            {"c3 21 00 00 01 00 00 00", "lock *(u32 *)(r1 + 0x0) += r2", "w2 = atomic_fetch_add((u32 *)(r1 + 0x0), w2)"},
            {"c3 21 00 00 40 00 00 00", "<unknown>", "lock *(u32 *)(r1 + 0x0) |= w2"},
            {"c3 21 00 00 41 00 00 00", "<unknown>", "w2 = atomic_fetch_or((u32 *)(r1 + 0x0), w2)"},
            {"c3 21 00 00 50 00 00 00", "<unknown>", "lock *(u32 *)(r1 + 0x0) &= w2"},
            {"c3 21 00 00 51 00 00 00", "<unknown>", "w2 = atomic_fetch_and((u32 *)(r1 + 0x0), w2)"},
            {"c3 21 00 00 a0 00 00 00", "<unknown>", "lock *(u32 *)(r1 + 0x0) ^= w2"},
            {"c3 21 00 00 a1 00 00 00", "<unknown>", "w2 = atomic_fetch_xor((u32 *)(r1 + 0x0), w2)"},
            {"c3 21 00 00 e1 00 00 00", "<unknown>", "w2 = xchg32_32(r1 + 0x0, w2)"},
            {"c3 21 00 00 f1 00 00 00", "<unknown>", "w0 = cmpxchg32_32(r1 + 0x0, w0, w2)"},
            {"db 21 08 00 00 00 00 00", "lock *(u64 *)(r1 + 0x8) += r2"},
            {"db 21 00 00 01 00 00 00", "r2 = atomic_fetch_add((u64 *)(r1 + 0x0), r2)"},
            {"db 21 00 00 40 00 00 00", "lock *(u64 *)(r1 + 0x0) |= r2"},
            {"db 21 00 00 41 00 00 00", "r2 = atomic_fetch_or((u64 *)(r1 + 0x0), r2)"},
            {"db 21 00 00 50 00 00 00", "lock *(u64 *)(r1 + 0x0) &= r2"},
            {"db 21 00 00 51 00 00 00", "r2 = atomic_fetch_and((u64 *)(r1 + 0x0), r2)"},
            {"db 21 00 00 a0 00 00 00", "lock *(u64 *)(r1 + 0x0) ^= r2"},
            {"db 21 00 00 a1 00 00 00", "r2 = atomic_fetch_xor((u64 *)(r1 + 0x0), r2)"},
            {"db 21 00 00 e1 00 00 00", "r2 = xchg_64(r1 + 0x0, r2)"},
            {"db 21 00 00 f1 00 00 00", "r0 = cmpxchg_64(r1 + 0x0, r0, r2)"},
            {"05 00 03 00 00 00 00 00", "goto +0x3"},
            {"05 00 fe ff 00 00 00 00", "goto -0x2"},
            {"06 00 00 00 10 00 00 00", "gotol +0x10"},
            {"15 01 03 00 00 00 00 00", "if r1 == 0x0 goto +0x3"},
            {"16 01 03 00 05 00 00 00", "if w1 == 0x5 goto +0x3"},
            {"1d 21 03 00 00 00 00 00", "if r1 == r2 goto +0x3"},
            {"1e 21 03 00 00 00 00 00", "if w1 == w2 goto +0x3"},
            {"25 01 03 00 05 00 00 00", "if r1 > 0x5 goto +0x3"},
            {"2d 21 03 00 00 00 00 00", "if r1 > r2 goto +0x3"},
            {"35 01 03 00 05 00 00 00", "if r1 >= 0x5 goto +0x3"},
            {"3d 21 03 00 00 00 00 00", "if r1 >= r2 goto +0x3"},
            {"45 01 03 00 01 00 00 00", "if r1 & 0x1 goto +0x3"},
            {"4d 21 03 00 00 00 00 00", "if r1 & r2 goto +0x3"},
            {"55 01 03 00 00 00 00 00", "if r1 != 0x0 goto +0x3"},
            {"5d 21 03 00 00 00 00 00", "if r1 != r2 goto +0x3"},
            {"65 01 03 00 ff ff ff ff", "if r1 s> -0x1 goto +0x3"},
            {"6d 21 03 00 00 00 00 00", "if r1 s> r2 goto +0x3"},
            {"75 01 03 00 00 00 00 00", "if r1 s>= 0x0 goto +0x3"},
            {"7d 21 03 00 00 00 00 00", "if r1 s>= r2 goto +0x3"},
            {"a5 01 03 00 05 00 00 00", "if r1 < 0x5 goto +0x3"},
            {"ad 21 03 00 00 00 00 00", "if r1 < r2 goto +0x3"},
            {"b5 01 03 00 05 00 00 00", "if r1 <= 0x5 goto +0x3"},
            {"bd 21 03 00 00 00 00 00", "if r1 <= r2 goto +0x3"},
            {"c5 01 03 00 00 00 00 00", "if r1 s< 0x0 goto +0x3"},
            {"cd 21 03 00 00 00 00 00", "if r1 s< r2 goto +0x3"},
            {"d5 01 03 00 00 00 00 00", "if r1 s<= 0x0 goto +0x3"},
            {"dd 21 03 00 00 00 00 00", "if r1 s<= r2 goto +0x3"},
            {"a6 01 03 00 05 00 00 00", "if w1 < 0x5 goto +0x3"},
            {"de 21 fd ff 00 00 00 00", "if w1 s<= w2 goto -0x3"},
            {"85 00 00 00 01 00 00 00", "call 0x1"},
            {"85 10 00 00 ff ff ff ff", "call -0x1"},
            {"85 20 00 00 10 00 00 00", "call 0x10"},
            {"8d 01 00 00 00 00 00 00", "callx r1"},
            {"95 00 00 00 00 00 00 00", "exit"},
            {"e5 00 02 00 00 00 00 00", "may_goto +0x2"},
            {"07 0b 00 00 01 00 00 00", "r11 += 0x1"},
            {"bf b1 00 00 00 00 00 00", "r1 = r11"},
            {"07 0c 00 00 01 00 00 00", "<unknown>"},
            {"95 00 00 00 01 00 00 00", "<unknown>"},
            {"0f 21 00 00 05 00 00 00", "r1 += r2"},
            {"00 01 00 00 00 00 00 00", "<unknown>"}
    };

    static Stream<Arguments> forms() {
        return Arrays.stream(FORMS).map(f -> Arguments.of(f[0], f[1], f.length > 2 ? f[2] : f[1]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void decoderPrintsWhatObjdumpPrints(String hex, String text, String alu32Text) {
        byte[] bytes = bytes(hex);
        assertEquals(text, text(LlvmDecoder.decode(bytes, 0, bytes.length, ByteOrder.LITTLE_ENDIAN, false)));
        assertEquals(alu32Text, text(LlvmDecoder.decode(bytes, 0, bytes.length, ByteOrder.LITTLE_ENDIAN, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void bigEndianBytesPrintTheSame(String hex, String text, String alu32Text) {
        byte[] bytes = toBigEndian(bytes(hex));
        assertEquals(text, text(LlvmDecoder.decode(bytes, 0, bytes.length, ByteOrder.BIG_ENDIAN, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void instructionsTheIsaDecoderAcceptsFormatTheSame(String hex, String text, String alu32Text) {
        List<Instruction> insns;
        try {
            insns = InstructionDecoder.decode(bytes(hex));
        } catch (DecodeException refusedByTheKernelRules) {
            return;
        }
        assertEquals(1, insns.size());
        assertEquals(text, LlvmSyntax.format(insns.get(0)));
        assertEquals(alu32Text, LlvmSyntax.formatAlu32(insns.get(0)));
    }

    private static String text(LlvmDecoded d) {
        return d.isUnknown() ? LlvmSyntax.UNKNOWN : d.text();
    }

    static byte[] bytes(String hex) {
        return HexFormat.ofDelimiter(" ").parseHex(hex);
    }

    /** The same slots in bpfeb order: register nibbles swapped, multi-byte fields big-endian. */
    static byte[] toBigEndian(byte[] le) {
        byte[] be = le.clone();
        for (int at = 0; at < le.length; at += 8) {
            be[at + 1] = (byte) (((le[at + 1] & 0x0f) << 4) | ((le[at + 1] >> 4) & 0x0f));
            be[at + 2] = le[at + 3];
            be[at + 3] = le[at + 2];
            for (int i = 0; i < 4; i++) {
                be[at + 4 + i] = le[at + 7 - i];
            }
        }
        return be;
    }
}
