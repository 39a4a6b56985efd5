package dev.bpftime.agent.helpers;

import static dev.bpftime.isa.Asm.call;
import static dev.bpftime.isa.Asm.lddw;
import static dev.bpftime.isa.Asm.mov64;
import static dev.bpftime.isa.Asm.stx;
import static dev.bpftime.isa.Register.R0;
import static dev.bpftime.isa.Register.R1;
import static dev.bpftime.isa.Register.R2;
import static dev.bpftime.isa.Register.R3;
import static dev.bpftime.isa.Register.R6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Size;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * bpf_get_stackid (27) for user stacks on the interpreter and the JIT: a frame-pointer chain in memory
 * walked as bpf_get_stack walks it, stored in a STACK_TRACE map of the maps module under the id the
 * kernel would give it (jhash2 of the ips, kernel/bpf/stackmap.c __bpf_get_stackid, written again here
 * from include/linux/jhash.h), with the kernel's flags and errnos. The map's syscall side against the
 * kernel's is StackTraceMapTest in maps.
 */
class StackIdHelperTest {

    private static final HelpersLib LIB = HelpersLib.LIB;
    private static final long EFAULT = -14, EINVAL = -22, EEXIST = -17;
    private static final long USER = 1 << 8, FAST_CMP = 1 << 9, REUSE = 1 << 10;
    private static final int REG_BP = 4, REG_IP = 16, REG_SP = 19;
    private static final long[] CHAIN = {0x401000, 0x402000, 0x403000, 0x404000};

    /** A frame-pointer chain: ip 0x401000, then return addresses 0x402000, 0x403000, 0x404000. */
    private static Memory frames;

    private static Memory hit() {
        frames = new Memory(64);
        long base = Pointer.nativeValue(frames);
        frames.setLong(0, base + 16);
        frames.setLong(8, 0x402000);
        frames.setLong(16, base + 32);
        frames.setLong(24, 0x403000);
        frames.setLong(32, 0); // the next read, at address 0, fails and ends the walk
        frames.setLong(40, 0x404000);
        Memory regs = new Memory(21 * 8);
        regs.clear();
        regs.setLong(8L * REG_IP, 0x401000);
        regs.setLong(8L * REG_BP, base);
        regs.setLong(8L * REG_SP, base + 48);
        Memory h = new Memory(56); // struct bpftime_hit
        h.clear();
        h.setPointer(0, regs);
        h.setInt(32, -1);
        return h;
    }

    /** get_stackid(ctx, map, flags) for each flags value, results at r6 + 8 * i. */
    private static long[] stackids(Engines e, Pointer map, Memory hit, long... flags) {
        List<AsmItem> body = new ArrayList<>(List.of(mov64(R6, R1)));
        for (int i = 0; i < flags.length; i++) {
            body.addAll(List.of(mov64(R1, R6), lddw(R2, Pointer.nativeValue(map)), lddw(R3, flags[i]), call(27),
                    stx(Size.DW, R6, 8 * i, R0)));
        }
        body.addAll(List.of(mov64(R0, 0), dev.bpftime.isa.Asm.exit()));
        Memory out = new Memory(Harness.OUT);
        out.clear();
        e.run(dev.bpftime.isa.Asm.assemble(body), out, Harness.OUT, hit);
        long[] r = new long[flags.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = out.getLong(8L * i);
        }
        return r;
    }

    private static long[] stored(Pointer map, long id, int depth) {
        byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) id).array();
        byte[] value = new byte[8 * depth];
        assertEquals(0, LIB.bpftime_map_sys_lookup(map, key, value, 0), "lookup of stack " + id);
        long[] ips = new long[depth];
        ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(ips);
        return ips;
    }

    @ParameterizedTest
    @EnumSource(Engines.class)
    void userStacksGetTheKernelsIds(Engines e) {
        Pointer map = Engines.createMap(7, 4, 8 * 6, 64);
        try {
            long[] r = stackids(e, map, hit(), USER, USER, USER | 1, USER | FAST_CMP, USER | 4, USER | 5, 0,
                    USER | (1 << 11), USER | 1 << 12);
            long full = jhash2(CHAIN) & 63;
            long skipped = jhash2(new long[] {0x402000, 0x403000, 0x404000}) & 63;
            assertEquals(full, r[0], "the whole stack's id");
            assertEquals(full, r[1], "the same stack again");
            assertEquals(skipped == full ? EEXIST : skipped, r[2], "skip 1");
            assertEquals(full, r[3], "BPF_F_FAST_STACK_CMP");
            assertEquals(EFAULT, r[4], "skipping all four frames");
            assertEquals(EFAULT, r[5], "skipping more frames than there are");
            assertEquals(EFAULT, r[6], "a kernel stack");
            assertEquals(EINVAL, r[7], "BPF_F_USER_BUILD_ID is no flag of get_stackid");
            assertEquals(EINVAL, r[8], "an unknown flag");
            assertArrayEquals(new long[] {0x401000, 0x402000, 0x403000, 0x404000, 0, 0}, stored(map, full, 6));
        } finally {
            LIB.bpftime_map_close(map);
        }
    }

    @ParameterizedTest
    @EnumSource(Engines.class)
    void oneBucketCollidesUnlessReused(Engines e) {
        Pointer map = Engines.createMap(7, 4, 8 * 2, 1); // one bucket, stacks cut to two frames
        try {
            long[] r = stackids(e, map, hit(), USER, USER | 1, USER | 1 | REUSE, USER, USER | FAST_CMP);
            assertEquals(0, r[0]);
            assertEquals(EEXIST, r[1], "another stack in the only bucket");
            assertEquals(0, r[2], "BPF_F_REUSE_STACKID replaces it");
            assertArrayEquals(new long[] {0x402000, 0x403000}, stored(map, 0, 2));
            assertEquals(EEXIST, r[3], "the first stack now collides");
            assertEquals(EEXIST, r[4], "fast compare matches on the hash only, and the hashes differ");
        } finally {
            LIB.bpftime_map_close(map);
        }
    }

    private static int rol(int w, int s) {
        return Integer.rotateLeft(w, s);
    }

    /** jhash2(ips as u32 words, n, 0), include/linux/jhash.h. */
    static long jhash2(long[] ips) {
        int n = ips.length * 2;
        int[] k = new int[n];
        for (int i = 0; i < ips.length; i++) {
            k[2 * i] = (int) ips[i];
            k[2 * i + 1] = (int) (ips[i] >>> 32);
        }
        int a = 0xdeadbeef + (n << 2), b = a, c = a;
        int p = 0;
        while (n > 3) {
            a += k[p];
            b += k[p + 1];
            c += k[p + 2];
            a -= c; a ^= rol(c, 4); c += b;
            b -= a; b ^= rol(a, 6); a += c;
            c -= b; c ^= rol(b, 8); b += a;
            a -= c; a ^= rol(c, 16); c += b;
            b -= a; b ^= rol(a, 19); a += c;
            c -= b; c ^= rol(b, 4); b += a;
            n -= 3;
            p += 3;
        }
        if (n > 0) {
            if (n == 3) {
                c += k[p + 2];
            }
            if (n >= 2) {
                b += k[p + 1];
            }
            a += k[p];
            c ^= b; c -= rol(b, 14);
            a ^= c; a -= rol(c, 11);
            b ^= a; b -= rol(a, 25);
            c ^= b; c -= rol(b, 16);
            a ^= c; a -= rol(c, 4);
            b ^= a; b -= rol(a, 14);
            c ^= b; c -= rol(b, 24);
        }
        return c & 0xffffffffL;
    }
}
