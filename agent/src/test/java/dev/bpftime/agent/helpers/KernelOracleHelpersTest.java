package dev.bpftime.agent.helpers;

import static dev.bpftime.isa.Asm.add64;
import static dev.bpftime.isa.Asm.call;
import static dev.bpftime.isa.Asm.exit;
import static dev.bpftime.isa.Asm.jump;
import static dev.bpftime.isa.Asm.label;
import static dev.bpftime.isa.Asm.ldImm64;
import static dev.bpftime.isa.Asm.ldx;
import static dev.bpftime.isa.Asm.lddw;
import static dev.bpftime.isa.Asm.mov64;
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

import com.sun.jna.Memory;
import dev.bpftime.agent.helpers.Harness.Engine;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Asm;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.PseudoSource;
import dev.bpftime.isa.Size;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Helpers whose result the kernel gives for the same thread and memory: each body runs on the interpreter,
 * the JIT and (as root) the kernel through BPF_PROG_TEST_RUN of a raw tracepoint program, which runs on
 * the calling thread; the three outputs must be equal byte for byte to what the kernel wrote, and the
 * agent's engines to the expectation written here from the kernel's sources, so the rows also run without
 * root.
 */
class KernelOracleHelpersTest {

    private static final HelpersLib LIB = HelpersLib.LIB;
    private static final long EFAULT = -14, EINVAL = -22, E2BIG = -7;
    private static final long BOUNDARY = Harness.guardedBoundary();
    private static final long BOUNDARY2 = Harness.guardedBoundary();
    private static final Memory TEXT = cString("0123456789abcdef-and-more-text");

    private static Memory cString(String s) {
        byte[] b = (s + "\0").getBytes(StandardCharsets.US_ASCII);
        return Engines.memory(b);
    }

    static {
        // strings ending exactly before, and running into, the inaccessible page
        byte[] tail = "tail\0".getBytes(StandardCharsets.US_ASCII);
        Harness.at(BOUNDARY - 5).write(0, tail, 0, 5);
        byte[] xs = new byte[64];
        java.util.Arrays.fill(xs, (byte) 'x');
        Harness.at(BOUNDARY2 - 64).write(0, xs, 0, 64);
    }

    /** r1 = r6 + 16, r2 = size, r3 = src, call id, out[0] = r0. */
    private static List<AsmItem> read(int helper, int size, long src) {
        return List.of(mov64(R1, R6), add64(R1, 16), mov64(R2, size), lddw(R3, src), call(helper),
                stx(Size.DW, R6, 0, R0));
    }

    private static byte[] expect(long ret, int dstOff, byte[] dst) {
        byte[] b = Harness.filled(0xab);
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, ret);
        System.arraycopy(dst, 0, b, dstOff, dst.length);
        return b;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static Stream<Arguments> readCases() {
        long text = com.sun.jna.Pointer.nativeValue(TEXT);
        Map<String, Object[]> c = new LinkedHashMap<>();
        c.put("probe_read_user 16 bytes", new Object[] {read(112, 16, text), expect(0, 16, bytes("0123456789abcdef"))});
        c.put("probe_read_user NULL", new Object[] {read(112, 16, 0), expect(EFAULT, 16, new byte[16])});
        c.put("probe_read_user kernel address", new Object[] {read(112, 16, 0xffffffff81000000L),
            expect(EFAULT, 16, new byte[16])});
        c.put("probe_read_user non-canonical", new Object[] {read(112, 8, 0x0000800000000000L),
            expect(EFAULT, 16, new byte[8])});
        c.put("probe_read_user across an inaccessible page", new Object[] {read(112, 16, BOUNDARY - 8),
            expect(EFAULT, 16, new byte[16])});
        c.put("probe_read_user size 0 of NULL", new Object[] {read(112, 0, 0), expect(0, 16, new byte[0])});
        // the word holding the NUL is stored with the bytes after it zeroed (strncpy_from_user)
        c.put("probe_read_user_str", new Object[] {read(114, 32, text + 16),
            expect(15, 16, bytes("-and-more-text\0\0"))});
        c.put("probe_read_user_str cut", new Object[] {read(114, 4, text), expect(4, 16, bytes("012\0"))});
        c.put("probe_read_user_str size 1", new Object[] {read(114, 1, text), expect(1, 16, new byte[1])});
        c.put("probe_read_user_str NULL", new Object[] {read(114, 32, 0), expect(EFAULT, 16, new byte[32])});
        c.put("probe_read_user_str ends before an inaccessible page", new Object[] {read(114, 32, BOUNDARY - 5),
            expect(5, 16, bytes("tail\0"))});
        c.put("probe_read_user_str runs into an inaccessible page", new Object[] {read(114, 128, BOUNDARY2 - 64),
            expect(EFAULT, 16, new byte[128])});
        c.put("probe_read_user_str size 0", new Object[] {read(114, 0, text), expect(0, 16, new byte[0])});
        c.put("probe_read_str (compat)", new Object[] {read(45, 32, text + 16),
            expect(15, 16, bytes("-and-more-text\0\0"))});
        // The kernel reads its own memory there (it runs as root): the agent's engines only.
        Map<String, Object[]> ours = new LinkedHashMap<>();
        ours.put("probe_read_kernel_str kernel address", new Object[] {read(115, 16, 0xffffffff81000000L),
            expect(EFAULT, 16, new byte[16])});
        ours.put("probe_read_kernel kernel address", new Object[] {read(113, 16, 0xffffffff81000000L),
            expect(EFAULT, 16, new byte[16])});
        List<Arguments> out = new ArrayList<>();
        for (Engine e : Harness.withKernel()) {
            c.forEach((name, v) -> out.add(Arguments.of(e, name, v[0], v[1])));
            if (e != Engine.KERNEL) {
                ours.forEach((name, v) -> out.add(Arguments.of(e, name, v[0], v[1])));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("readCases")
    @SuppressWarnings("unchecked")
    void userMemory(Engine engine, String name, Object body, Object expected) {
        byte[] out = Harness.run(engine, (List<AsmItem>) body, Harness.filled(0xab));
        assertArrayEquals((byte[]) expected, out, name + " on " + engine + ": ret " + Harness.u64(out, 0));
    }

    /** The current task: pid/tgid, uid/gid and comm (16, 8 and 32 bytes) of the calling thread. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void currentTask(Engine engine) {
        List<AsmItem> body = List.of(
                call(14), stx(Size.DW, R6, 0, R0),
                call(15), stx(Size.DW, R6, 8, R0),
                mov64(R1, R6), add64(R1, 16), mov64(R2, 16), call(16), stx(Size.DW, R6, 64, R0),
                mov64(R1, R6), add64(R1, 32), mov64(R2, 8), call(16),
                mov64(R1, R6), add64(R1, 40), mov64(R2, 24), call(16));
        byte[] out = Harness.run(engine, body, Harness.filled(0xab));
        assertEquals((long) LIB.getpid() << 32 | LIB.gettid(), Harness.u64(out, 0), "pid_tgid");
        assertEquals((long) LIB.getgid() << 32 | LIB.getuid(), Harness.u64(out, 8), "uid_gid");
        assertEquals(0, Harness.u64(out, 64), "get_current_comm's return");
        byte[] comm = java.util.Arrays.copyOf(readComm(), 16);
        assertArrayEquals(comm, java.util.Arrays.copyOfRange(out, 16, 32), "comm in 16 bytes");
        byte[] cut = java.util.Arrays.copyOf(comm, 8);
        cut[7] = 0;
        assertArrayEquals(cut, java.util.Arrays.copyOfRange(out, 32, 40), "comm in 8 bytes");
        assertArrayEquals(java.util.Arrays.copyOf(comm, 24), java.util.Arrays.copyOfRange(out, 40, 64),
                "comm in 24 bytes, zero-padded");
    }

    /** /proc/self/task/TID/comm, the kernel's view of this thread's name. */
    private static byte[] readComm() {
        try {
            String s = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/task/" + LIB.gettid()
                    + "/comm"));
            return s.substring(0, s.length() - 1).getBytes(StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static Stream<Engine> engines() {
        return Harness.withKernel().stream();
    }

    /** The format string on the stack at r10-64 (at most 56 bytes with its NUL), then the call. */
    private static List<AsmItem> printk(String fmt, int size, long a1, long a2, long a3) {
        byte[] f = java.util.Arrays.copyOf(fmt.getBytes(StandardCharsets.ISO_8859_1), 64);
        List<AsmItem> body = new ArrayList<>();
        for (int i = 0; i < 64; i += 8) {
            body.add(lddw(R1, java.nio.ByteBuffer.wrap(f, i, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong()));
            body.add(stx(Size.DW, R10, -64 + i, R1));
        }
        body.addAll(List.of(mov64(R1, R10), add64(R1, -64), mov64(R2, size), lddw(R3, a1), lddw(R4, a2),
                lddw(R5, a3), call(6), stx(Size.DW, R6, 0, R0)));
        return body;
    }

    static Stream<Arguments> printkCases() {
        Object[][] rows = {
            {"%d %u %x", -1L, -1L, -1L, 0L},
            {"%ld %lu %lx", -1L, -1L, -1L, 0L},
            {"%lld|%llu|%llx", Long.MIN_VALUE, -2L, 0x1234abcdL, 0L},
            {"%i %X %c", -5L, 0xbeefL, 65L, 0L},
            {"[%5d][%-5d][%05d]", 42L, 42L, 42L, 0L},
            {"[%+d][% d][%08lx]", 7L, 7L, 0xabcL, 0L},
            {"100%% %d", 1L, 0L, 0L, 0L},
            {"%p.", 0x1000L, 0L, 0L, 0L},
            {"no conversion at all", 0L, 0L, 0L, 0L},
            {"%d %d %d %d", 1L, 2L, 3L, EINVAL},
            {"%.2d", 1L, 0L, 0L, EINVAL},
            {"%q", 1L, 0L, 0L, EINVAL},
            {"%n", 1L, 0L, 0L, EINVAL},
            {"%sx", 0L, 0L, 0L, EINVAL},
            {"%pI4", 0L, 0L, 0L, 0L},
            {"%pi4", 0L, 0L, 0L, 0L},
            {"%pI6", 0L, 0L, 0L, 0L},
            {"%pi6", 0L, 0L, 0L, 0L},
            {"%pI5", 0L, 0L, 0L, EINVAL},
            {"tab\there", 0L, 0L, 0L, 0L},
            {"bell\u0007", 0L, 0L, 0L, EINVAL},
            {"high\u00e9", 0L, 0L, 0L, 0L},
            {"nel\u0085", 0L, 0L, 0L, 0L},
            {"nbsp\u00a0", 0L, 0L, 0L, 0L},
            {"%lllx", 1L, 0L, 0L, EINVAL},
        };
        List<Arguments> out = new ArrayList<>();
        for (Engine e : Harness.withKernel()) {
            for (Object[] r : rows) {
                String fmt = (String) r[0];
                out.add(Arguments.of(e, fmt, fmt.length() + 1, r[1], r[2], r[3], r[4]));
            }
            out.add(Arguments.of(e, "no NUL within size", 4, 0L, 0L, 0L, EINVAL));
            out.add(Arguments.of(e, "", 1, 0L, 0L, 0L, 0L));
        }
        return out.stream();
    }

    /**
     * bpf_trace_printk's return value (the message's length) or refusal for formats the kernel accepts or
     * refuses; 0 in the last column means the expectation is the length Java's formatter computes here.
     */
    @ParameterizedTest(name = "{0}: \"{1}\"")
    @MethodSource("printkCases")
    void tracePrintkFormats(Engine engine, String fmt, int size, long a1, long a2, long a3, long refusal) {
        byte[] out = Harness.run(engine, printk(fmt.equals("no NUL within size") ? "abcdefgh" : fmt, size, a1, a2,
                a3), Harness.filled(0));
        long expected = refusal != 0 ? refusal : (long) expectedLength(fmt, a1, a2, a3);
        assertEquals(expected, Harness.u64(out, 0), "\"" + fmt + "\" on " + engine);
    }

    private static int expectedLength(String fmt, long a1, long a2, long a3) {
        return switch (fmt) {
            case "%d %u %x" -> "-1 4294967295 ffffffff".length();
            case "%ld %lu %lx" -> ("-1 " + Long.toUnsignedString(-1) + " ffffffffffffffff").length();
            case "%lld|%llu|%llx" -> (Long.MIN_VALUE + "|" + Long.toUnsignedString(-2) + "|1234abcd").length();
            case "%i %X %c" -> "-5 BEEF A".length();
            case "[%5d][%-5d][%05d]" -> "[   42][42   ][00042]".length();
            case "[%+d][% d][%08lx]" -> "[+7][ 7][00000abc]".length();
            case "100%% %d" -> "100% 1".length();
            case "%p." -> 17;
            case "tab\there", "no conversion at all", "", "high\u00e9", "nbsp\u00a0", "nel\u0085" -> fmt.length();
            case "%pI4" -> "0.0.0.0".length();
            case "%pi4" -> "000.000.000.000".length();
            case "%pI6" -> "0000:0000:0000:0000:0000:0000:0000:0000".length();
            case "%pi6" -> 32;
            default -> throw new AssertionError(fmt);
        };
    }

    /** bpf_loop: a callback counting into the output, stopping at index 5; flags and too many loops. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void loop(Engine engine) {
        // the callback's context must be on the stack (ARG_PTR_TO_STACK_OR_NULL): it holds r6
        List<AsmItem> body = List.of(stx(Size.DW, R10, -16, R6),
                mov64(R1, 10), ldImm64(R2, PseudoSource.FUNC, 0), mov64(R3, R10), add64(R3, -16), mov64(R4, 0),
                call(181), stx(Size.DW, R6, 0, R0),
                mov64(R1, 3), ldImm64(R2, PseudoSource.FUNC, 0), mov64(R3, R10), add64(R3, -16), mov64(R4, 1),
                call(181), stx(Size.DW, R6, 16, R0),
                lddw(R1, 1L << 24), ldImm64(R2, PseudoSource.FUNC, 0), mov64(R3, R10), add64(R3, -16),
                mov64(R4, 0), call(181), stx(Size.DW, R6, 24, R0));
        // callback(index, ctx): out[8] += 1; return index == 5
        List<Instruction> callback = Asm.assemble(ldx(Size.DW, R2, R2, 0),
                ldx(Size.DW, R3, R2, 8), add64(R3, 1), stx(Size.DW, R2, 8, R3),
                mov64(R0, 0), jump(JumpOp.JNE, R1, 5, "go_on"), mov64(R0, 1), label("go_on"), exit());
        byte[] out = Harness.run(engine, body, callback, new byte[0]);
        assertEquals(6, Harness.u64(out, 0), "loop stopped by the callback at index 5");
        assertEquals(6, Harness.u64(out, 8), "callback runs");
        assertEquals(EINVAL, Harness.u64(out, 16), "flags 1");
        assertEquals(E2BIG & 0xffffffffL, Harness.u64(out, 24), "2^24 loops: -E2BIG in 32 bits, as the inlined loop");
    }
}
