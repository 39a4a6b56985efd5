package dev.bpftime.agent.helpers;

import static dev.bpftime.isa.Asm.add64;
import static dev.bpftime.isa.Asm.call;
import static dev.bpftime.isa.Asm.callLocal;
import static dev.bpftime.isa.Asm.exit;
import static dev.bpftime.isa.Asm.jump;
import static dev.bpftime.isa.Asm.label;
import static dev.bpftime.isa.Asm.ldImm64;
import static dev.bpftime.isa.Asm.lddw;
import static dev.bpftime.isa.Asm.ldx;
import static dev.bpftime.isa.Asm.mov64;
import static dev.bpftime.isa.Asm.st;
import static dev.bpftime.isa.Asm.stx;
import static dev.bpftime.isa.Register.R0;
import static dev.bpftime.isa.Register.R1;
import static dev.bpftime.isa.Register.R10;
import static dev.bpftime.isa.Register.R2;
import static dev.bpftime.isa.Register.R3;
import static dev.bpftime.isa.Register.R4;
import static dev.bpftime.isa.Register.R5;
import static dev.bpftime.isa.Register.R6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.isa.Asm;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.PseudoSource;
import dev.bpftime.isa.Size;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The helpers without a kernel oracle in a test run (those bound to a probe hit, user stacks from given
 * registers, the agent's own maps and buffers, the trace pipe), on the interpreter and the JIT, against
 * expectations written from the kernel's sources (cited at each helper in agent/src/main/c/helpers) and from
 * libc and /proc. Each body writes its results through r6, which is the context: 256 bytes of native memory.
 */
class HelperSemanticsTest {

    private static final HelpersLib LIB = HelpersLib.LIB;
    private static final long EFAULT = -14, EINVAL = -22, ENOENT = -2, EEXIST = -17, EOPNOTSUPP = -95;

    private static byte[] run(Engines e, List<AsmItem> body, List<Instruction> callback, Pointer hit) {
        List<AsmItem> p = new ArrayList<>(List.of(mov64(R6, R1)));
        p.addAll(body);
        p.addAll(List.of(label("out"), mov64(R0, 0), exit()));
        Memory out = new Memory(Harness.OUT);
        out.clear();
        e.run(Engines.withCallback(Asm.assemble(p), callback), out, Harness.OUT, hit);
        return out.getByteArray(0, Harness.OUT);
    }

    private static byte[] run(Engines e, List<AsmItem> body, Pointer hit) {
        return run(e, body, List.of(), hit);
    }

    private static long u64(byte[] b, int off) {
        return Harness.u64(b, off);
    }

    /** struct bpftime_hit (helpers/include/bpftime_helpers.h): 56 bytes. */
    private static Memory hit(Pointer regs, long funcIp, long cookie, int argCnt, int flags) {
        Memory h = new Memory(56);
        h.clear();
        h.setPointer(0, regs);
        h.setLong(8, funcIp);
        h.setLong(16, cookie);
        h.setInt(32, argCnt);
        h.setInt(36, flags);
        return h;
    }

    private static final int REG_BP = 4, REG_R9 = 8, REG_R8 = 9, REG_AX = 10, REG_CX = 11, REG_DX = 12,
            REG_SI = 13, REG_DI = 14, REG_IP = 16, REG_SP = 19;

    private static Memory regs() {
        Memory r = new Memory(21 * 8);
        r.clear();
        long[] args = {11, 22, 33, 44, 55, 66};
        int[] at = {REG_DI, REG_SI, REG_DX, REG_CX, REG_R8, REG_R9};
        for (int i = 0; i < 6; i++) {
            r.setLong(8L * at[i], args[i]);
        }
        r.setLong(8L * REG_AX, 77);
        return r;
    }

    @ParameterizedTest
    @EnumSource(Engines.class)
    void hitBoundHelpers(Engines e) {
        Memory regs = regs();
        List<AsmItem> body = List.of(
                call(173), stx(Size.DW, R6, 0, R0),
                call(174), stx(Size.DW, R6, 8, R0),
                call(185), stx(Size.DW, R6, 16, R0),
                mov64(R2, 5), mov64(R3, R6), add64(R3, 24), call(183), stx(Size.DW, R6, 32, R0),
                st(Size.DW, R6, 40, -1), mov64(R2, 6), mov64(R3, R6), add64(R3, 40), call(183),
                stx(Size.DW, R6, 48, R0),
                mov64(R2, R6), add64(R2, 56), call(184), stx(Size.DW, R6, 64, R0),
                mov64(R2, -5), call(58), stx(Size.DW, R6, 72, R0));
        Memory h = hit(regs, 0x1234, 0xc00c1e, -1, 2 /* RETURN */);
        byte[] out = run(e, body, h);
        assertEquals(0x1234, u64(out, 0), "get_func_ip");
        assertEquals(0xc00c1e, u64(out, 8), "get_attach_cookie");
        assertEquals(6, u64(out, 16), "get_func_arg_cnt without a known count: the six register arguments");
        assertEquals(66, u64(out, 24), "get_func_arg(5) is r9");
        assertEquals(0, u64(out, 32));
        assertEquals(-1, u64(out, 40), "get_func_arg(6) leaves *value");
        assertEquals(EINVAL, u64(out, 48), "get_func_arg(6)");
        assertEquals(77, u64(out, 56), "get_func_ret's value is rax at a return");
        assertEquals(0, u64(out, 64));
        assertEquals(EINVAL, u64(out, 72), "override_return where the hit cannot skip the function");
        assertEquals(0, h.getInt(40), "no override recorded");

        Memory entry = hit(regs, 0x1234, 0, 2, 1 /* CAN_OVERRIDE */);
        out = run(e, body, entry);
        assertEquals(2, u64(out, 16), "get_func_arg_cnt");
        assertEquals(EINVAL, u64(out, 32), "get_func_arg(5) of a 2-argument function");
        assertEquals(EOPNOTSUPP, u64(out, 64), "get_func_ret at an entry");
        assertEquals(0, u64(out, 72), "override_return");
        assertEquals(1, entry.getInt(40), "override recorded");
        assertEquals(-5, entry.getLong(48), "override value");
        assertEquals(-5, regs.getLong(8L * REG_AX), "rax holds the value");

        out = run(e, body, null);
        assertEquals(0, u64(out, 0), "get_func_ip outside a hit");
        assertEquals(EINVAL, u64(out, 32), "get_func_arg outside a hit");
    }

    private static List<AsmItem> getStack(int size, long flags) {
        return List.of(mov64(R2, R6), add64(R2, 64), mov64(R3, size), lddw(R4, flags), call(67),
                stx(Size.DW, R6, 0, R0));
    }

    /** A frame-pointer chain in memory: ip, then return addresses 0x402000, 0x403000, 0x404000. */
    @ParameterizedTest
    @EnumSource(Engines.class)
    void getStackWalksFramePointers(Engines e) {
        Memory frames = new Memory(64);
        long base = Pointer.nativeValue(frames);
        frames.setLong(0, base + 16);
        frames.setLong(8, 0x402000);
        frames.setLong(16, base + 32);
        frames.setLong(24, 0x403000);
        frames.setLong(32, 0); // the outermost frame: the next read (at address 0) fails and ends the walk
        frames.setLong(40, 0x404000);
        frames.setLong(48, 0x400500); // the return address at sp for a probe at a function's entry
        Memory regs = regs();
        regs.setLong(8L * REG_IP, 0x401000);
        regs.setLong(8L * REG_BP, base);
        regs.setLong(8L * REG_SP, base + 48);
        Memory h = hit(regs, 0, 0, -1, 0);
        long user = 1 << 8;
        byte[] out = run(e, getStack(64, user), h);
        assertEquals(32, u64(out, 0));
        assertArrayEquals(new long[] {0x401000, 0x402000, 0x403000, 0x404000, 0, 0, 0, 0}, longs(out, 64, 8));
        out = run(e, getStack(64, user | 1), h);
        assertEquals(24, u64(out, 0), "skip 1");
        assertArrayEquals(new long[] {0x402000, 0x403000, 0x404000, 0}, longs(out, 64, 4));
        out = run(e, getStack(16, user), h);
        assertEquals(16, u64(out, 0), "room for two");
        out = run(e, getStack(64, user | 10), h);
        assertEquals(EFAULT, u64(out, 0), "skipping more frames than there are");
        out = run(e, getStack(64, 0), h);
        assertEquals(EFAULT, u64(out, 0), "a kernel stack");
        out = run(e, getStack(64, user | (1 << 9)), h);
        assertEquals(EINVAL, u64(out, 0), "an unknown flag");
        out = run(e, getStack(12, user), h);
        assertEquals(EINVAL, u64(out, 0), "a size not a multiple of 8");
        out = run(e, getStack(64, 1 << 11), h);
        assertEquals(EINVAL, u64(out, 0), "build ids of a kernel stack");
        out = run(e, getStack(64, user | (1 << 11)), h);
        assertEquals(64, u64(out, 0), "two struct bpf_stack_build_id");
        assertEquals(2, ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).getInt(64), "BPF_STACK_BUILD_ID_IP");
        assertEquals(0x401000, u64(out, 64 + 24));
        assertEquals(0x402000, u64(out, 96 + 24));

        Memory atEntry = hit(regs, 0, 0, -1, 4 /* FUNC_ENTRY */);
        out = run(e, getStack(64, user), atEntry);
        assertEquals(40, u64(out, 0));
        assertArrayEquals(new long[] {0x401000, 0x400500, 0x402000, 0x403000, 0x404000}, longs(out, 64, 5),
                "at a function's entry the caller comes from the return address at sp");
    }

    private static long[] longs(byte[] b, int off, int n) {
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = u64(b, off + 8 * i);
        }
        return r;
    }

    @ParameterizedTest
    @EnumSource(Engines.class)
    void mapHelpers(Engines e) {
        Pointer hash = Engines.createMap(1, 4, 8, 16);
        Pointer percpu = Engines.createMap(6, 4, 8, 2);
        try {
            long h = Pointer.nativeValue(hash);
            List<AsmItem> body = List.of(
                    st(Size.W, R10, -4, 7), st(Size.DW, R10, -16, 99),
                    lddw(R1, h), mov64(R2, R10), add64(R2, -4), mov64(R3, R10), add64(R3, -16), mov64(R4, 0),
                    call(2), stx(Size.DW, R6, 0, R0),
                    lddw(R1, h), mov64(R2, R10), add64(R2, -4), mov64(R3, R10), add64(R3, -16), mov64(R4, 1),
                    call(2), stx(Size.DW, R6, 8, R0),
                    lddw(R1, h), mov64(R2, R10), add64(R2, -4), call(1),
                    jump(JumpOp.JEQ, R0, 0, "missing"), ldx(Size.DW, R0, R0, 0), stx(Size.DW, R6, 16, R0),
                    label("missing"),
                    lddw(R1, h), mov64(R2, R10), add64(R2, -4), call(3), stx(Size.DW, R6, 24, R0),
                    lddw(R1, h), mov64(R2, R10), add64(R2, -4), call(1), stx(Size.DW, R6, 32, R0),
                    lddw(R1, h), mov64(R2, R10), add64(R2, -4), call(3), stx(Size.DW, R6, 40, R0),
                    st(Size.W, R10, -4, 1),
                    lddw(R1, Pointer.nativeValue(percpu)), mov64(R2, R10), add64(R2, -4), mov64(R3, 0), call(195),
                    stx(Size.DW, R6, 48, R0),
                    lddw(R1, Pointer.nativeValue(percpu)), mov64(R2, R10), add64(R2, -4), mov64(R3, 100000),
                    call(195), stx(Size.DW, R6, 56, R0));
            byte[] out = run(e, body, null);
            assertEquals(0, u64(out, 0), "update");
            assertEquals(EEXIST, u64(out, 8), "update with BPF_NOEXIST of a present key");
            assertEquals(99, u64(out, 16), "the value looked up");
            assertEquals(0, u64(out, 24), "delete");
            assertEquals(0, u64(out, 32), "lookup after delete");
            assertEquals(ENOENT, u64(out, 40), "delete of a missing key");
            assertNotEquals(0, u64(out, 48), "lookup_percpu_elem of CPU 0");
            assertEquals(0, u64(out, 56), "lookup_percpu_elem of a CPU that does not exist");
        } finally {
            LIB.bpftime_map_close(hash);
            LIB.bpftime_map_close(percpu);
        }
    }

    /** bpf_for_each_map_elem: callback(map, key, value, ctx) sums values into ctx[8], stops when it returns 1. */
    @ParameterizedTest
    @EnumSource(Engines.class)
    void forEachMapElem(Engines e) {
        Pointer array = Engines.createMap(2, 4, 8, 4);
        Pointer hash = Engines.createMap(1, 4, 8, 8);
        try {
            for (int k = 0; k < 4; k++) {
                byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(k).array();
                byte[] value = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(k + 1).array();
                assertEquals(0, LIB.bpftime_map_sys_update(array, key, value, 0));
                if (k < 3) {
                    byte[] hv = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(10L * (k + 1)).array();
                    assertEquals(0, LIB.bpftime_map_sys_update(hash, key, hv, 0));
                }
            }
            // stop after the element whose value is 3 (the array's key 2); the hash's values never are
            List<Instruction> callback = Asm.assemble(
                    ldx(Size.DW, R3, R3, 0), ldx(Size.DW, R1, R4, 8), add64(R1, R3), stx(Size.DW, R4, 8, R1),
                    mov64(R0, 0), jump(JumpOp.JNE, R3, 3, "go_on"), mov64(R0, 1), label("go_on"), exit());
            List<AsmItem> body = List.of(
                    lddw(R1, Pointer.nativeValue(array)), ldImm64(R2, PseudoSource.FUNC, 0), mov64(R3, R6),
                    mov64(R4, 0), call(164), stx(Size.DW, R6, 0, R0),
                    lddw(R1, Pointer.nativeValue(hash)), ldImm64(R2, PseudoSource.FUNC, 0), mov64(R3, R6),
                    add64(R3, 16), mov64(R4, 0), call(164), stx(Size.DW, R6, 16, R0),
                    lddw(R1, Pointer.nativeValue(hash)), ldImm64(R2, PseudoSource.FUNC, 0), mov64(R3, R6),
                    mov64(R4, 1), call(164), stx(Size.DW, R6, 32, R0));
            byte[] out = run(e, body, callback, null);
            assertEquals(3, u64(out, 0), "array elements visited, the stopping one included");
            assertEquals(6, u64(out, 8), "1 + 2 + 3");
            assertEquals(3, u64(out, 16), "hash elements visited");
            assertEquals(60, u64(out, 24), "10 + 20 + 30");
            assertEquals(EINVAL, u64(out, 32), "flags 1");
        } finally {
            LIB.bpftime_map_close(array);
            LIB.bpftime_map_close(hash);
        }
    }

    @ParameterizedTest
    @EnumSource(Engines.class)
    void ringBuffer(Engines e) {
        Pointer rb = Engines.createMap(27, 0, 0, 4096);
        try {
            long r = Pointer.nativeValue(rb);
            List<AsmItem> body = List.of(
                    lddw(R1, r), mov64(R2, R6), add64(R2, 200), mov64(R3, 16), mov64(R4, 0), call(130),
                    stx(Size.DW, R6, 0, R0),
                    lddw(R1, r), mov64(R2, 0), call(134), stx(Size.DW, R6, 8, R0),
                    lddw(R1, r), mov64(R2, 8), mov64(R3, 0), call(131), jump(JumpOp.JEQ, R0, 0, "full"),
                    st(Size.DW, R0, 0, 5), mov64(R1, R0), mov64(R2, 0), call(132), label("full"),
                    lddw(R1, r), mov64(R2, 8), mov64(R3, 0), call(131), jump(JumpOp.JEQ, R0, 0, "full2"),
                    mov64(R1, R0), mov64(R2, 0), call(133), label("full2"),
                    lddw(R1, r), mov64(R2, 0), call(134), stx(Size.DW, R6, 16, R0),
                    lddw(R1, r), mov64(R2, 1), call(134), stx(Size.DW, R6, 24, R0),
                    lddw(R1, r), mov64(R2, R6), add64(R2, 200), mov64(R3, 16), mov64(R4, 4), call(130),
                    stx(Size.DW, R6, 32, R0),
                    lddw(R1, r), mov64(R2, 8), mov64(R3, 1), call(131), stx(Size.DW, R6, 40, R0));
            byte[] out = run(e, body, null);
            assertEquals(0, u64(out, 0), "ringbuf_output");
            assertEquals(24, u64(out, 8), "BPF_RB_AVAIL_DATA: an 8-byte header and 16 bytes");
            assertEquals(24 + 16 + 16, u64(out, 16), "after a submitted and a discarded 8-byte record");
            assertEquals(4096, u64(out, 24), "BPF_RB_RING_SIZE");
            assertEquals(EINVAL, u64(out, 32), "ringbuf_output with an unknown flag");
            assertEquals(0, u64(out, 40), "ringbuf_reserve with flags is NULL");
        } finally {
            LIB.bpftime_map_close(rb);
        }
    }

    /** bpf_perf_event_output's refusals (kernel/trace/bpf_trace.c __bpf_perf_event_output). */
    @ParameterizedTest
    @EnumSource(Engines.class)
    void perfEventOutputRefusals(Engines e) {
        Pointer array = Engines.createMap(4, 4, 4, 2);
        try {
            long a = Pointer.nativeValue(array);
            List<AsmItem> body = new ArrayList<>();
            long[] flags = {0xffffffffL /* BPF_F_CURRENT_CPU */, 1L << 32, 5};
            for (int i = 0; i < flags.length; i++) {
                body.addAll(List.of(mov64(R1, R6), lddw(R2, a), lddw(R3, flags[i]), mov64(R4, R6), add64(R4, 200),
                        mov64(R5, 8), call(25), stx(Size.DW, R6, 8 * i, R0)));
            }
            byte[] out = run(e, body, null);
            assertEquals(ENOENT, u64(out, 0), "no perf buffer in the slot");
            assertEquals(EINVAL, u64(out, 8), "flags beyond BPF_F_INDEX_MASK");
            assertEquals(-7, u64(out, 16), "index past max_entries: -E2BIG");
        } finally {
            LIB.bpftime_map_close(array);
        }
    }

    /** bpf_tail_call through a PROG_ARRAY whose slots hold program ids the resolver knows. */
    @ParameterizedTest
    @EnumSource(Engines.class)
    void tailCall(Engines e) {
        Pointer progs = Engines.createMap(3, 4, 4, 4);
        try (Engines.Loaded target = e.load(Asm.assemble(st(Size.DW, R1, 0, 0x77), mov64(R0, 3), exit()))) {
            LIB.helpers_test_set_prog(5, target.tailCallTarget(), target.frames());
            byte[] key = {1, 0, 0, 0};
            assertEquals(0, LIB.bpftime_map_sys_update(progs, key, new byte[] {5, 0, 0, 0}, 0));
            for (int index : new int[] {1, 2, 9}) {
                List<AsmItem> body = List.of(mov64(R1, R6), lddw(R2, Pointer.nativeValue(progs)), mov64(R3, index),
                        call(12), st(Size.DW, R6, 8, 1));
                byte[] out = run(e, body, null);
                if (index == 1) {
                    assertEquals(0x77, u64(out, 0), "the target ran");
                    assertEquals(0, u64(out, 8), "and did not return");
                } else {
                    assertEquals(0, u64(out, 0), "slot " + index + " is empty or out of range: nothing ran");
                    assertEquals(1, u64(out, 8), "execution went on after the failed tail call");
                }
            }
        } finally {
            LIB.helpers_test_set_prog(5, null, 0);
            LIB.bpftime_map_close(progs);
        }
    }

    /**
     * A JIT tail call from a subprogram (7 of the 8 frames left) to a program that needs all 8 (a chain
     * of 7 calls) falls through instead of overrunning the invocation's stack; one that
     * needs a single frame runs and returns to the subprogram's caller. (The interpreter checks its
     * call depth as it calls: a too deep target faults there, it never overruns.)
     */
    @Test
    void aJitTailCallToATargetNeedingMoreFramesThanLeftFallsThrough() {
        Pointer progs = Engines.createMap(3, 4, 4, 4);
        List<AsmItem> chain = new java.util.ArrayList<>(List.of(st(Size.DW, R1, 0, 0x77)));
        for (int d = 1; d < 8; d++) {
            chain.addAll(List.of(callLocal("d" + d), exit(), label("d" + d)));
        }
        chain.addAll(List.of(mov64(R0, 3), exit()));
        List<Instruction> deep = Asm.assemble(chain);
        List<Instruction> shallow = Asm.assemble(st(Size.DW, R1, 0, 0x66), mov64(R0, 3), exit());
        List<Instruction> caller = Asm.assemble(mov64(R6, R1), callLocal("sub"), st(Size.DW, R6, 8, 1), mov64(R0, 0),
                exit(), label("sub"), mov64(R6, R1), lddw(R2, Pointer.nativeValue(progs)), mov64(R3, 1), call(12),
                st(Size.DW, R6, 16, 2), mov64(R0, 0), exit());
        try (Engines.Loaded d = Engines.JIT.load(deep); Engines.Loaded sh = Engines.JIT.load(shallow);
                Engines.Loaded c = Engines.JIT.load(caller)) {
            assertEquals(8, d.frames(), "its chain of calls is 8 frames deep");
            assertEquals(1, sh.frames());
            assertEquals(0, LIB.bpftime_map_sys_update(progs, new byte[] {1, 0, 0, 0}, new byte[] {5, 0, 0, 0}, 0));
            Memory ctx = new Memory(24);
            LIB.helpers_test_set_prog(5, d.tailCallTarget(), d.frames());
            ctx.clear();
            c.run(ctx, 24, null);
            assertArrayEquals(new long[] {0, 1, 2}, ctx.getLongArray(0, 3), "refused: the subprogram went on, then main");
            LIB.helpers_test_set_prog(5, sh.tailCallTarget(), sh.frames());
            ctx.clear();
            c.run(ctx, 24, null);
            assertArrayEquals(new long[] {0x66, 1, 0}, ctx.getLongArray(0, 3), "taken: it returned to main");
        } finally {
            LIB.helpers_test_set_prog(5, null, 0);
            LIB.bpftime_map_close(progs);
        }
    }

    /** A trace_printk line as trace_pipe shows one (a message ending in a newline gets a second one, as there). */
    @ParameterizedTest
    @EnumSource(Engines.class)
    void tracePrintkLine(Engines e) {
        int[] fds = new int[2];
        assertEquals(0, LIB.pipe(fds));
        Memory fmt = Engines.memory("hello %d from %s\n\0".getBytes(StandardCharsets.US_ASCII));
        Memory who = Engines.memory("bpf\0".getBytes(StandardCharsets.US_ASCII));
        try {
            LIB.bpftime_helpers_set_trace_fd(fds[1]);
            List<AsmItem> body = List.of(lddw(R1, Pointer.nativeValue(fmt)), mov64(R2, 18), mov64(R3, 42),
                    lddw(R4, Pointer.nativeValue(who)), mov64(R5, 0), call(6), stx(Size.DW, R6, 0, R0));
            byte[] out = run(e, body, null);
            assertEquals("hello 42 from bpf\n".length(), u64(out, 0));
            byte[] buf = new byte[4096];
            long n = LIB.read(fds[0], buf, buf.length);
            String line = new String(buf, 0, (int) n, StandardCharsets.UTF_8);
            String comm = new String(Arrays.copyOf(procComm(), 15), StandardCharsets.UTF_8).trim();
            Pattern p = Pattern.compile(" *" + Pattern.quote(comm) + "-" + LIB.gettid()
                    + " +\\[\\d{3}\\] \\.\\.\\.\\.\\. +\\d+\\.\\d{6}: bpf_trace_printk: hello 42 from bpf\n\n");
            assertTrue(p.matcher(line).matches(), "trace line: [" + line + "]");
            assertTrue(line.startsWith(String.format("%16s-%-7d [", comm, LIB.gettid())),
                    "comm right-aligned in 16 columns, the thread id left-aligned in 7: [" + line + "]");
        } finally {
            LIB.bpftime_helpers_set_trace_fd(-1);
            LIB.close(fds[0]);
            LIB.close(fds[1]);
        }
    }

    private static byte[] procComm() {
        try {
            String s = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/task/" + LIB.gettid()
                    + "/comm"));
            return s.substring(0, s.length() - 1).getBytes(StandardCharsets.UTF_8);
        } catch (java.io.IOException x) {
            throw new AssertionError(x);
        }
    }

    @ParameterizedTest
    @EnumSource(Engines.class)
    void probeWriteUser(Engines e) {
        Memory target = new Memory(16);
        target.clear();
        long readOnly = Harness.guardedBoundary() - 4096;
        assertEquals(0, LIB.mprotect(new Pointer(readOnly), 4096, 1));
        List<AsmItem> body = List.of(
                st(Size.DW, R10, -8, 0x5a5a), mov64(R2, R10), add64(R2, -8),
                lddw(R1, Pointer.nativeValue(target)), mov64(R3, 8), call(36), stx(Size.DW, R6, 0, R0),
                mov64(R2, R10), add64(R2, -8), lddw(R1, readOnly), mov64(R3, 8), call(36), stx(Size.DW, R6, 8, R0),
                mov64(R2, R10), add64(R2, -8), mov64(R1, 0), mov64(R3, 8), call(36), stx(Size.DW, R6, 16, R0),
                mov64(R2, R10), add64(R2, -8), lddw(R1, 0xffff888000000000L), mov64(R3, 8), call(36),
                stx(Size.DW, R6, 24, R0));
        byte[] out = run(e, body, null);
        assertEquals(0, u64(out, 0));
        assertEquals(0x5a5a, target.getLong(0));
        assertEquals(EFAULT, u64(out, 8), "a read-only page");
        assertEquals(0, new Pointer(readOnly).getLong(0), "left unchanged");
        assertEquals(EFAULT, u64(out, 16), "NULL");
        assertEquals(EFAULT, u64(out, 24), "a kernel address");
    }

    @ParameterizedTest
    @EnumSource(Engines.class)
    void strncmpAndSnprintf(Engines e) {
        Memory strings = Engines.memory("abcd\0abce\0abc\0pid %d name %s!\0bob\0".getBytes(StandardCharsets.US_ASCII));
        long s = Pointer.nativeValue(strings);
        List<AsmItem> body = new ArrayList<>(List.of(
                lddw(R1, s), mov64(R2, 3), lddw(R3, s + 5), call(182), stx(Size.DW, R6, 0, R0),
                lddw(R1, s), mov64(R2, 4), lddw(R3, s + 5), call(182), stx(Size.DW, R6, 8, R0),
                lddw(R1, s), mov64(R2, 8), lddw(R3, s + 10), call(182), stx(Size.DW, R6, 16, R0),
                // data = {7, "bob"} at r6+128
                st(Size.DW, R6, 128, 7), lddw(R1, s + 30), stx(Size.DW, R6, 136, R1),
                mov64(R1, R6), add64(R1, 64), mov64(R2, 32), lddw(R3, s + 14), mov64(R4, R6), add64(R4, 128),
                mov64(R5, 16), call(165), stx(Size.DW, R6, 24, R0),
                mov64(R1, R6), add64(R1, 96), mov64(R2, 5), lddw(R3, s + 14), mov64(R4, R6), add64(R4, 128),
                mov64(R5, 16), call(165), stx(Size.DW, R6, 32, R0),
                mov64(R1, R6), add64(R1, 160), mov64(R2, 8), lddw(R3, s + 14), mov64(R4, R6), add64(R4, 128),
                mov64(R5, 12), call(165), stx(Size.DW, R6, 40, R0),
                mov64(R1, R6), add64(R1, 160), mov64(R2, 8), lddw(R3, s + 14), mov64(R4, R6), add64(R4, 128),
                mov64(R5, 8), call(165), stx(Size.DW, R6, 48, R0)));
        byte[] out = run(e, body, null);
        assertEquals(0, u64(out, 0), "strncmp of 3 bytes");
        assertEquals(-1, u64(out, 8), "'d' < 'e'");
        assertEquals(1, u64(out, 16), "'d' > NUL");
        assertEquals("pid 7 name bob!".length() + 1, u64(out, 24), "snprintf counts the NUL");
        assertEquals("pid 7 name bob!", cString(out, 64));
        assertEquals("pid 7 name bob!".length() + 1, u64(out, 32), "a cut output still counts everything");
        assertEquals("pid ", cString(out, 96));
        assertEquals(EINVAL, u64(out, 40), "data_len not a multiple of 8");
        assertEquals(EINVAL, u64(out, 48), "two conversions, one argument");
    }

    private static String cString(byte[] b, int off) {
        int end = off;
        while (b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @EnumSource(Engines.class)
    void timeCpuRandomSignals(Engines e) {
        List<AsmItem> body = List.of(
                call(5), stx(Size.DW, R6, 0, R0),
                call(125), stx(Size.DW, R6, 8, R0),
                call(160), stx(Size.DW, R6, 16, R0),
                call(8), stx(Size.DW, R6, 24, R0),
                call(7), stx(Size.DW, R6, 32, R0),
                call(7), stx(Size.DW, R6, 40, R0),
                mov64(R1, 0), call(109), stx(Size.DW, R6, 48, R0),
                mov64(R1, 65), call(109), stx(Size.DW, R6, 56, R0),
                mov64(R1, 0), call(117), stx(Size.DW, R6, 64, R0));
        long[] boot0 = new long[2];
        long t0 = System.nanoTime();
        LIB.clock_gettime(7, boot0);
        byte[] out = run(e, body, null);
        long[] boot1 = new long[2];
        LIB.clock_gettime(7, boot1);
        long t1 = System.nanoTime();
        long mono = u64(out, 0);
        assertTrue(t0 <= mono && mono <= t1, "ktime_get_ns " + mono + " within CLOCK_MONOTONIC " + t0 + ".." + t1);
        long boot = u64(out, 8);
        assertTrue(ns(boot0) <= boot && boot <= ns(boot1), "ktime_get_boot_ns within CLOCK_BOOTTIME");
        long coarse = u64(out, 16);
        assertTrue(t0 - 20_000_000 <= coarse && coarse <= t1, "ktime_get_coarse_ns within a tick of CLOCK_MONOTONIC");
        assertTrue(u64(out, 24) < LIB.bpftime_possible_cpus(), "get_smp_processor_id below the possible CPUs");
        assertEquals(0, u64(out, 32) >>> 32, "get_prandom_u32 is 32 bits");
        assertNotEquals(u64(out, 32), u64(out, 40), "two draws differ");
        assertEquals(0, u64(out, 48), "send_signal(0): the permission check only");
        assertEquals(EINVAL, u64(out, 56), "send_signal(65)");
        assertEquals(0, u64(out, 64), "send_signal_thread(0)");
    }

    private static long ns(long[] ts) {
        return ts[0] * 1_000_000_000L + ts[1];
    }
}
