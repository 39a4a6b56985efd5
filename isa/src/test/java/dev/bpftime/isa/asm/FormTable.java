package dev.bpftime.isa.asm;

import java.util.List;

/**
 * Every instruction form of the syntax with its bytes, written by hand from RFC 9669 (opcode, regs
 * with dst in the low nibble, offset LE16, imm LE32), and the same instruction in LLVM's BPF assembly
 * where LLVM has one, so {@link LlvmOracleTest} can check the hand-written bytes against llvm-mc.
 */
final class FormTable {

    /** One line of conformance syntax, the same in LLVM syntax (null when LLVM has none), the bytes. */
    record Row(String conformance, String llvm, String hex) {
        @Override
        public String toString() {
            return conformance;
        }
    }

    private FormTable() {
    }

    private static Row row(String conformance, String llvm, String hex) {
        return new Row(conformance, llvm, hex);
    }

    static final List<Row> ROWS = List.of(
            // ALU64 and ALU, register and immediate sources (RFC 9669 4.1)
            row("add %r1, %r2", "r1 += r2", "0f 21 00 00 00 00 00 00"),
            row("add %r1, 5", "r1 += 5", "07 01 00 00 05 00 00 00"),
            row("add32 %r3, %r4", "w3 += w4", "0c 43 00 00 00 00 00 00"),
            row("add32 %r1, -1", "w1 += -1", "04 01 00 00 ff ff ff ff"),
            row("sub %r1, %r2", "r1 -= r2", "1f 21 00 00 00 00 00 00"),
            row("sub32 %r1, 7", "w1 -= 7", "14 01 00 00 07 00 00 00"),
            row("mul %r1, 3", "r1 *= 3", "27 01 00 00 03 00 00 00"),
            row("mul32 %r1, %r2", "w1 *= w2", "2c 21 00 00 00 00 00 00"),
            row("div %r1, %r2", "r1 /= r2", "3f 21 00 00 00 00 00 00"),
            row("div32 %r1, 10", "w1 /= 10", "34 01 00 00 0a 00 00 00"),
            row("sdiv %r1, %r2", "r1 s/= r2", "3f 21 01 00 00 00 00 00"),
            row("sdiv32 %r1, -3", "w1 s/= -3", "34 01 01 00 fd ff ff ff"),
            row("or %r0, %r10", "r0 |= r10", "4f a0 00 00 00 00 00 00"),
            row("or32 %r1, 0x10", "w1 |= 16", "44 01 00 00 10 00 00 00"),
            row("and %r1, 0xffff", "r1 &= 65535", "57 01 00 00 ff ff 00 00"),
            row("and32 %r1, %r2", "w1 &= w2", "5c 21 00 00 00 00 00 00"),
            row("lsh %r1, 32", "r1 <<= 32", "67 01 00 00 20 00 00 00"),
            row("lsh32 %r1, %r2", "w1 <<= w2", "6c 21 00 00 00 00 00 00"),
            row("rsh %r1, %r2", "r1 >>= r2", "7f 21 00 00 00 00 00 00"),
            row("rsh32 %r1, 1", "w1 >>= 1", "74 01 00 00 01 00 00 00"),
            row("neg %r1", "r1 = -r1", "87 01 00 00 00 00 00 00"),
            row("neg32 %r1", "w1 = -w1", "84 01 00 00 00 00 00 00"),
            row("mod %r1, %r2", "r1 %= r2", "9f 21 00 00 00 00 00 00"),
            row("mod32 %r1, 3", "w1 %= 3", "94 01 00 00 03 00 00 00"),
            row("smod %r1, %r2", "r1 s%= r2", "9f 21 01 00 00 00 00 00"),
            row("smod32 %r1, -3", "w1 s%= -3", "94 01 01 00 fd ff ff ff"),
            row("xor %r1, %r2", "r1 ^= r2", "af 21 00 00 00 00 00 00"),
            row("xor32 %r1, 0xff", "w1 ^= 255", "a4 01 00 00 ff 00 00 00"),
            row("mov %r0, %r1", "r0 = r1", "bf 10 00 00 00 00 00 00"),
            row("mov %r0, -1", "r0 = -1", "b7 00 00 00 ff ff ff ff"),
            row("mov32 %r0, 0xffffffff", "w0 = -1", "b4 00 00 00 ff ff ff ff"),
            row("mov32 %r9, %r10", "w9 = w10", "bc a9 00 00 00 00 00 00"),
            row("arsh %r1, %r2", "r1 s>>= r2", "cf 21 00 00 00 00 00 00"),
            row("arsh32 %r1, 3", "w1 s>>= 3", "c4 01 00 00 03 00 00 00"),
            // sign-extending moves: source width in the offset (v4)
            row("movsx864 %r1, %r2", "r1 = (s8)r2", "bf 21 08 00 00 00 00 00"),
            row("movsx1664 %r1, %r2", "r1 = (s16)r2", "bf 21 10 00 00 00 00 00"),
            row("movsx3264 %r1, %r2", "r1 = (s32)r2", "bf 21 20 00 00 00 00 00"),
            row("movsx832 %r1, %r2", "w1 = (s8)w2", "bc 21 08 00 00 00 00 00"),
            row("movsx1632 %r1, %r2", "w1 = (s16)w2", "bc 21 10 00 00 00 00 00"),
            // byte order: le = ALU|END|K, be = ALU|END|X, bswap = ALU64|END|K
            row("le16 %r1", "r1 = le16 r1", "d4 01 00 00 10 00 00 00"),
            row("le32 %r1", "r1 = le32 r1", "d4 01 00 00 20 00 00 00"),
            row("le64 %r1", "r1 = le64 r1", "d4 01 00 00 40 00 00 00"),
            row("be16 %r1", "r1 = be16 r1", "dc 01 00 00 10 00 00 00"),
            row("be32 %r2", "r2 = be32 r2", "dc 02 00 00 20 00 00 00"),
            row("be64 %r1", "r1 = be64 r1", "dc 01 00 00 40 00 00 00"),
            row("bswap16 %r1", "r1 = bswap16 r1", "d7 01 00 00 10 00 00 00"),
            row("bswap32 %r1", "r1 = bswap32 r1", "d7 01 00 00 20 00 00 00"),
            row("bswap64 %r1", "r1 = bswap64 r1", "d7 01 00 00 40 00 00 00"),
            row("swap16 %r3", "r3 = bswap16 r3", "d7 03 00 00 10 00 00 00"),
            row("swap32 %r3", "r3 = bswap32 r3", "d7 03 00 00 20 00 00 00"),
            row("swap64 %r1", "r1 = bswap64 r1", "d7 01 00 00 40 00 00 00"),
            // 64-bit immediate: two slots, high half in the second immediate
            row("lddw %r0, 0x1122334455667788", "r0 = 0x1122334455667788 ll",
                    "18 00 00 00 88 77 66 55 00 00 00 00 44 33 22 11"),
            row("lddw %r1, -1", "r1 = -1 ll", "18 01 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff"),
            row("lddw %r1, 0xffffffffffffffff", "r1 = -1 ll", "18 01 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff"),
            row("lddw %r2, 2147483648", "r2 = 2147483648 ll", "18 02 00 00 00 00 00 80 00 00 00 00 00 00 00 00"),
            // loads and stores (RFC 9669 5.1-5.2)
            row("ldxb %r0, [%r1+2]", "r0 = *(u8 *)(r1 + 2)", "71 10 02 00 00 00 00 00"),
            row("ldxh %r0, [%r1]", "r0 = *(u16 *)(r1 + 0)", "69 10 00 00 00 00 00 00"),
            row("ldxw %r0, [%r1-4]", "r0 = *(u32 *)(r1 - 4)", "61 10 fc ff 00 00 00 00"),
            row("ldxdw %r0, [%r10-8]", "r0 = *(u64 *)(r10 - 8)", "79 a0 f8 ff 00 00 00 00"),
            row("ldxb %r8, [%r0+0x1]", "r8 = *(u8 *)(r0 + 1)", "71 08 01 00 00 00 00 00"),
            row("ldxsb %r0, [%r1-1]", "r0 = *(s8 *)(r1 - 1)", "91 10 ff ff 00 00 00 00"),
            row("ldxsh %r0, [%r1+2]", "r0 = *(s16 *)(r1 + 2)", "89 10 02 00 00 00 00 00"),
            row("ldxsw %r0, [%r1+32767]", "r0 = *(s32 *)(r1 + 32767)", "81 10 ff 7f 00 00 00 00"),
            row("stb [%r10-8], 5", "*(u8 *)(r10 - 8) = 5", "72 0a f8 ff 05 00 00 00"),
            row("sth [%r10-32768], 0x1122", "*(u16 *)(r10 - 32768) = 4386", "6a 0a 00 80 22 11 00 00"),
            row("stw [%r1+4], -2", "*(u32 *)(r1 + 4) = -2", "62 01 04 00 fe ff ff ff"),
            row("stdw [%r10-8], 0x11223344", "*(u64 *)(r10 - 8) = 287454020", "7a 0a f8 ff 44 33 22 11"),
            row("stxb [%r10-8], %r1", "*(u8 *)(r10 - 8) = w1", "73 1a f8 ff 00 00 00 00"),
            row("stxh [%r1+2], %r2", "*(u16 *)(r1 + 2) = w2", "6b 21 02 00 00 00 00 00"),
            row("stxw [%r1], %r2", "*(u32 *)(r1 + 0) = w2", "63 21 00 00 00 00 00 00"),
            row("stxdw [%r10-8], %r1", "*(u64 *)(r10 - 8) = r1", "7b 1a f8 ff 00 00 00 00"),
            // atomics: the operation in the immediate, bit 0 = fetch (RFC 9669 5.3)
            row("lock add [%r10-8], %r1", "lock *(u64 *)(r10 - 8) += r1", "db 1a f8 ff 00 00 00 00"),
            row("lock add32 [%r10-8], %r1", "lock *(u32 *)(r10 - 8) += w1", "c3 1a f8 ff 00 00 00 00"),
            row("lock or [%r10-8], %r1", "lock *(u64 *)(r10 - 8) |= r1", "db 1a f8 ff 40 00 00 00"),
            row("lock or32 [%r10-8], %r1", "lock *(u32 *)(r10 - 8) |= w1", "c3 1a f8 ff 40 00 00 00"),
            row("lock and [%r10-8], %r1", "lock *(u64 *)(r10 - 8) &= r1", "db 1a f8 ff 50 00 00 00"),
            row("lock and32 [%r10-8], %r1", "lock *(u32 *)(r10 - 8) &= w1", "c3 1a f8 ff 50 00 00 00"),
            row("lock xor [%r10-8], %r1", "lock *(u64 *)(r10 - 8) ^= r1", "db 1a f8 ff a0 00 00 00"),
            row("lock xor32 [%r10-8], %r1", "lock *(u32 *)(r10 - 8) ^= w1", "c3 1a f8 ff a0 00 00 00"),
            row("lock fetch add [%r10-8], %r1", "r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)",
                    "db 1a f8 ff 01 00 00 00"),
            row("lock fetch add32 [%r10-8], %r1", "w1 = atomic_fetch_add((u32 *)(r10 - 8), w1)",
                    "c3 1a f8 ff 01 00 00 00"),
            row("lock fetch or [%r10-8], %r1", "r1 = atomic_fetch_or((u64 *)(r10 - 8), r1)",
                    "db 1a f8 ff 41 00 00 00"),
            row("lock fetch and32 [%r10-8], %r1", "w1 = atomic_fetch_and((u32 *)(r10 - 8), w1)",
                    "c3 1a f8 ff 51 00 00 00"),
            row("lock fetch or32 [%r10-8], %r1", "w1 = atomic_fetch_or((u32 *)(r10 - 8), w1)",
                    "c3 1a f8 ff 41 00 00 00"),
            row("lock fetch and [%r10-8], %r1", "r1 = atomic_fetch_and((u64 *)(r10 - 8), r1)",
                    "db 1a f8 ff 51 00 00 00"),
            row("lock fetch xor32 [%r10-8], %r1", "w1 = atomic_fetch_xor((u32 *)(r10 - 8), w1)",
                    "c3 1a f8 ff a1 00 00 00"),
            row("lock fetch xor [%r10-8], %r1", "r1 = atomic_fetch_xor((u64 *)(r10 - 8), r1)",
                    "db 1a f8 ff a1 00 00 00"),
            row("lock xchg [%r10-8], %r1", "r1 = xchg_64(r10 - 8, r1)", "db 1a f8 ff e1 00 00 00"),
            row("lock xchg32 [%r10-8], %r1", "w1 = xchg32_32(r10 - 8, w1)", "c3 1a f8 ff e1 00 00 00"),
            row("lock cmpxchg [%r10-8], %r1", "r0 = cmpxchg_64(r10 - 8, r0, r1)", "db 1a f8 ff f1 00 00 00"),
            row("lock cmpxchg32 [%r10-8], %r1", "w0 = cmpxchg32_32(r10 - 8, w0, w1)", "c3 1a f8 ff f1 00 00 00"),
            // jumps (RFC 9669 4.3): ja in the offset, ja32 (gotol) in the immediate
            row("ja +3", "goto +3", "05 00 03 00 00 00 00 00"),
            row("ja -1", "goto -1", "05 00 ff ff 00 00 00 00"),
            row("ja32 +3", "gotol +3", "06 00 00 00 03 00 00 00"),
            row("ja32 +70000", null, "06 00 00 00 70 11 01 00"),
            row("gotol -2", "gotol -2", "06 00 00 00 fe ff ff ff"),
            row("jeq %r1, 5, +2", "if r1 == 5 goto +2", "15 01 02 00 05 00 00 00"),
            row("jeq %r1, %r2, -1", "if r1 == r2 goto -1", "1d 21 ff ff 00 00 00 00"),
            row("jgt %r1, 0x10, +1", "if r1 > 16 goto +1", "25 01 01 00 10 00 00 00"),
            row("jgt %r1, %r2, +1", "if r1 > r2 goto +1", "2d 21 01 00 00 00 00 00"),
            row("jge %r1, 1, +1", "if r1 >= 1 goto +1", "35 01 01 00 01 00 00 00"),
            row("jge %r1, %r2, +1", "if r1 >= r2 goto +1", "3d 21 01 00 00 00 00 00"),
            row("jset %r1, 0x10, +2", "if r1 & 16 goto +2", "45 01 02 00 10 00 00 00"),
            row("jset %r1, %r2, +2", "if r1 & r2 goto +2", "4d 21 02 00 00 00 00 00"),
            row("jne %r1, 0, +1", "if r1 != 0 goto +1", "55 01 01 00 00 00 00 00"),
            row("jne %r1, %r2, +1", "if r1 != r2 goto +1", "5d 21 01 00 00 00 00 00"),
            row("jsgt %r1, -1, +1", "if r1 s> -1 goto +1", "65 01 01 00 ff ff ff ff"),
            row("jsgt %r1, %r2, +1", "if r1 s> r2 goto +1", "6d 21 01 00 00 00 00 00"),
            row("jsge %r1, -1, +1", "if r1 s>= -1 goto +1", "75 01 01 00 ff ff ff ff"),
            row("jsge %r1, %r2, +1", "if r1 s>= r2 goto +1", "7d 21 01 00 00 00 00 00"),
            row("jlt %r1, 3, +1", "if r1 < 3 goto +1", "a5 01 01 00 03 00 00 00"),
            row("jlt %r1, %r2, +1", "if r1 < r2 goto +1", "ad 21 01 00 00 00 00 00"),
            row("jle %r1, 3, +1", "if r1 <= 3 goto +1", "b5 01 01 00 03 00 00 00"),
            row("jle %r1, %r2, +1", "if r1 <= r2 goto +1", "bd 21 01 00 00 00 00 00"),
            row("jslt %r1, -3, +1", "if r1 s< -3 goto +1", "c5 01 01 00 fd ff ff ff"),
            row("jslt %r1, %r2, +1", "if r1 s< r2 goto +1", "cd 21 01 00 00 00 00 00"),
            row("jsle %r1, -3, +1", "if r1 s<= -3 goto +1", "d5 01 01 00 fd ff ff ff"),
            row("jsle %r1, %r2, +1", "if r1 s<= r2 goto +1", "dd 21 01 00 00 00 00 00"),
            row("jeq32 %r1, 5, +2", "if w1 == 5 goto +2", "16 01 02 00 05 00 00 00"),
            row("jne32 %r1, %r2, -3", "if w1 != w2 goto -3", "5e 21 fd ff 00 00 00 00"),
            row("jsle32 %r1, %r2, +2", "if w1 s<= w2 goto +2", "de 21 02 00 00 00 00 00"),
            row("jgt32 %r1, %r2, +1", "if w1 > w2 goto +1", "2e 21 01 00 00 00 00 00"),
            row("jge32 %r1, 7, +1", "if w1 >= 7 goto +1", "36 01 01 00 07 00 00 00"),
            row("jlt32 %r1, %r2, +1", "if w1 < w2 goto +1", "ae 21 01 00 00 00 00 00"),
            row("jle32 %r1, 7, +1", "if w1 <= 7 goto +1", "b6 01 01 00 07 00 00 00"),
            row("jsgt32 %r1, -7, +1", "if w1 s> -7 goto +1", "66 01 01 00 f9 ff ff ff"),
            row("jsge32 %r1, %r2, +1", "if w1 s>= w2 goto +1", "7e 21 01 00 00 00 00 00"),
            row("jslt32 %r1, -7, +1", "if w1 s< -7 goto +1", "c6 01 01 00 f9 ff ff ff"),
            row("jset32 %r1, 0x80000000, +1", "if w1 & -2147483648 goto +1", "46 01 01 00 00 00 00 80"),
            // calls: src 0 helper, 1 local (BPF_PSEUDO_CALL), 2 kfunc; callx keeps its register in dst
            row("call 5", "call 5", "85 00 00 00 05 00 00 00"),
            row("call helper 5", "call 5", "85 00 00 00 05 00 00 00"),
            row("call local +2", null, "85 10 00 00 02 00 00 00"),
            row("call local -3", null, "85 10 00 00 fd ff ff ff"),
            row("call runtime 7", null, "85 20 00 00 07 00 00 00"),
            row("call %r2", "callx r2", "8d 02 00 00 00 00 00 00"),
            row("call helper %r2", "callx r2", "8d 02 00 00 00 00 00 00"),
            row("exit", "exit", "95 00 00 00 00 00 00 00"));
}
