package dev.bpftime.agent.helpers;

import static dev.bpftime.isa.Asm.add64;
import static dev.bpftime.isa.Asm.call;
import static dev.bpftime.isa.Asm.ldImm64;
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
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpftime.agent.helpers.Harness.Engine;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.PseudoSource;
import dev.bpftime.isa.Size;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * bpf_snprintf and bpf_strncmp, whose format and second string must be read-only data: on the
 * interpreter, the JIT and (as root) the kernel through BPF_PROG_TEST_RUN with a frozen read-only map.
 * String arguments point into the output area (a kernel map value there, native memory here), so the
 * kernel's "%s" can read them as the agent's does. The output string, its return value and the bytes
 * around it must equal the expectation, which the kernel rows check. A bad format the kernel refuses at
 * load (its format is a constant); the agent's helper refuses it when called (-EINVAL), as the verifier
 * of this project does not look at formats yet.
 */
class KernelOracleFormatTest {

    private static final long EINVAL = -22;

    /** Bytes written at r6 + off through r1, 8 at a time. */
    private static List<AsmItem> put(int off, byte[] bytes) {
        byte[] b = Arrays.copyOf(bytes, (bytes.length + 7) / 8 * 8);
        List<AsmItem> out = new ArrayList<>();
        for (int i = 0; i < b.length; i += 8) {
            out.add(lddw(R1, ByteBuffer.wrap(b, i, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()));
            out.add(stx(Size.DW, R6, off + i, R1));
        }
        return out;
    }

    /** An argument: a number, or a string stored at r6 + 200 + 32 * k whose address is passed. */
    private record Arg(long value, String string) {
        static Arg n(long v) {
            return new Arg(v, null);
        }

        static Arg s(String s) {
            return new Arg(0, s);
        }
    }

    private static List<AsmItem> snprintf(int strSize, int dataLen, Arg... args) {
        List<AsmItem> body = new ArrayList<>();
        for (int k = 0; k < args.length; k++) {
            Arg a = args[k];
            if (a.string() != null) {
                body.addAll(put(160 + 32 * k, (a.string() + "\0").getBytes(StandardCharsets.ISO_8859_1)));
                body.addAll(List.of(mov64(R1, R6), add64(R1, 160 + 32 * k)));
            } else {
                body.add(lddw(R1, a.value()));
            }
            body.add(stx(Size.DW, R10, -104 + 8 * k, R1));
        }
        body.addAll(List.of(mov64(R1, R6), add64(R1, 16), mov64(R2, strSize), ldImm64(R3, PseudoSource.MAP_VALUE, 0),
                mov64(R4, R10), add64(R4, -104), mov64(R5, dataLen), call(165), stx(Size.DW, R6, 0, R0)));
        return body;
    }

    static Stream<Arguments> snprintfCases() {
        Object[][] rows = {
            {"pid %d comm %s!", 64, new Arg[] {Arg.n(7), Arg.s("bob")}, "pid 7 comm bob!"},
            {"[%5s|%-5s]", 64, new Arg[] {Arg.s("ab"), Arg.s("cd")}, "[   ab|cd   ]"},
            {"%llx %lld %u %d", 64, new Arg[] {Arg.n(-1), Arg.n(-1), Arg.n(-1), Arg.n(-1)},
                "ffffffffffffffff -1 4294967295 -1"},
            {"%c%c%c", 64, new Arg[] {Arg.n('a'), Arg.n('b'), Arg.n(0x163)}, "abc"},
            {"<%pks>", 64, new Arg[] {Arg.s("kernel string")}, "<kernel string>"},
            {"%%%d%%", 64, new Arg[] {Arg.n(5)}, "%5%"},
            {"%pI4 %pi4", 64, new Arg[] {Arg.s("\n\0\0\u0001"), Arg.s("\n\0\0\u0001")}, "10.0.0.1 010.000.000.001"},
            {"%s and a long tail", 8, new Arg[] {Arg.s("head")}, "head and a long tail"},
            {"nothing", 1, new Arg[] {}, "nothing"},
            {"%d %d", 64, new Arg[] {Arg.n(1)}, null},
            {"%.3d", 64, new Arg[] {Arg.n(1)}, null},
        };
        List<Arguments> out = new ArrayList<>();
        for (Engine e : Harness.withKernel()) {
            for (Object[] r : rows) {
                Arg[] args = (Arg[]) r[2];
                out.add(Arguments.of(e, r[0], r[1], args.length * 8, args, r[3]));
            }
            out.add(Arguments.of(e, "%d", 64, 12, new Arg[] {Arg.n(1), Arg.n(2)}, null));
            out.add(Arguments.of(e, "%d", 64, 13 * 8, new Arg[13], null));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: \"{1}\" into {2} bytes, data_len {3}")
    @MethodSource("snprintfCases")
    void snprintf(Engine engine, String fmt, int strSize, int dataLen, Arg[] args, String expected) {
        Arg[] filled = Arrays.stream(args).map(a -> a == null ? Arg.n(0) : a).toArray(Arg[]::new);
        byte[] rodata = Arrays.copyOf((fmt + "\0").getBytes(StandardCharsets.ISO_8859_1), 64);
        List<AsmItem> body = snprintf(strSize, dataLen, filled);
        byte[] out;
        try {
            out = Harness.runWithRodata(engine, body, rodata, Harness.filled(0xab));
        } catch (Harness.KernelRefusal r) {
            // the kernel checks a constant format against data_len at load (check_bpf_snprintf_call)
            assertEquals(null, expected, "the kernel refused a good format: " + r.log);
            assertEquals(EINVAL, r.errno, r.log);
            return;
        }
        if (expected == null) {
            assertEquals(EINVAL, Harness.u64(out, 0), "\"" + fmt + "\" is refused");
            return;
        }
        assertEquals(expected.length() + 1, Harness.u64(out, 0), "the length with the NUL");
        byte[] want = Harness.filled(0xab);
        byte[] s = (expected + "\0").getBytes(StandardCharsets.ISO_8859_1);
        int n = Math.min(s.length, strSize);
        System.arraycopy(s, 0, want, 16, n);
        want[16 + n - 1] = 0;
        assertEquals(new String(want, 16, 80, StandardCharsets.ISO_8859_1),
                new String(out, 16, 80, StandardCharsets.ISO_8859_1), "the string and the bytes after it");
    }

    static Stream<Arguments> strncmpCases() {
        Object[][] rows = {
            {"abcd", "abcd", 8, 0L}, {"abcd", "abce", 8, -1L}, {"abce", "abcd", 8, 1L}, {"abcd", "abce", 3, 0L},
            {"abcd", "abc", 8, 1L}, {"ab", "abc", 8, -1L}, {"\u00ff", "a", 8, 1L},
        };
        List<Arguments> out = new ArrayList<>();
        for (Engine e : Harness.withKernel()) {
            for (Object[] r : rows) {
                out.add(Arguments.of(e, r[0], r[1], r[2], r[3]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: strncmp(\"{1}\", {3}, \"{2}\")")
    @MethodSource("strncmpCases")
    void strncmp(Engine engine, String s1, String s2, int size, long expected) {
        List<AsmItem> body = new ArrayList<>(put(160, Arrays.copyOf(s1.getBytes(StandardCharsets.ISO_8859_1), 16)));
        body.addAll(List.of(mov64(R1, R6), add64(R1, 160), mov64(R2, size), ldImm64(R3, PseudoSource.MAP_VALUE, 0),
                call(182), stx(Size.DW, R6, 0, R0)));
        ByteArrayOutputStream rodata = new ByteArrayOutputStream();
        rodata.writeBytes(Arrays.copyOf((s2 + "\0").getBytes(StandardCharsets.ISO_8859_1), 16));
        byte[] out = Harness.runWithRodata(engine, body, rodata.toByteArray(), Harness.filled(0));
        assertEquals(expected, Harness.u64(out, 0));
    }
}
