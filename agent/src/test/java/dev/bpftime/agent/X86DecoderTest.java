package dev.bpftime.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The probe engine's x86-64 length decoder against binutils' objdump: every instruction of every
 * function symbol of real binaries (libc and libm with their SSE/AVX/AVX2/AVX-512 variants, the
 * C++ runtime, and the test program's own assembly) must start and end where objdump says.
 *
 * <p>Two presentation choices of objdump are not differences: it shows {@code fwait} (9B) merged
 * with the x87 instruction after it, and a REX byte followed by another prefix as an instruction
 * of its own; the decoder treats 9B as the one-byte instruction it is and such REX bytes as prefixes.
 */
class X86DecoderTest {

    private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t((?:[0-9a-f]{2} )+)\\s*\\t?(.*)$");

    static Stream<String> binaries() {
        return Stream.of("/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libm.so.6",
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "probe_test");
    }

    private record ObjdumpInsn(int length, String text) {
    }

    @ParameterizedTest
    @MethodSource("binaries")
    void instructionBoundariesMatchObjdump(String binary) throws Exception {
        Path file = binary.startsWith("/") ? Path.of(binary) : NativeTools.testProgram(binary);
        Assumptions.assumeTrue(Files.isRegularFile(file), file + " is not installed on this machine");
        NativeTools.Result objdump = NativeTools.run(
                List.of("objdump", "-d", "-w", "--insn-width=16", file.toRealPath().toString()), 300);
        Assumptions.assumeTrue(objdump.exit() == 0, "objdump (binutils) is needed: " + objdump.stderr());
        Map<Long, ObjdumpInsn> reference = new HashMap<>();
        for (String line : objdump.stdout().split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                reference.put(Long.parseLong(m.group(1), 16),
                        new ObjdumpInsn(m.group(2).trim().split(" ").length, m.group(3)));
            }
        }
        NativeTools.Result mine = NativeTools.run(
                List.of(NativeTools.testProgram("decode_dump").toString(), file.toRealPath().toString()), 300);
        assertEquals(0, mine.exit(), mine.describe());
        TreeMap<Long, String> decoded = new TreeMap<>();
        for (String line : mine.stdout().split("\n")) {
            if (!line.isBlank()) {
                String[] f = line.split(" ", 2);
                decoded.put(Long.parseLong(f[0], 16), f[1]);
            }
        }
        List<String> differences = new ArrayList<>();
        for (Map.Entry<Long, String> e : decoded.entrySet()) {
            long at = e.getKey();
            ObjdumpInsn ref = reference.get(at);
            String why = compare(at, e.getValue(), ref, decoded, reference);
            if (why != null && differences.size() < 20) {
                differences.add(String.format("%x: %s", at, why));
            } else if (why != null) {
                differences.add("...");
                break;
            }
        }
        assertTrue(differences.isEmpty(), file + ": decoder vs objdump:\n" + String.join("\n", differences));
        assertTrue(decoded.size() > (binary.equals("probe_test") ? 500 : 5000),
                "instructions compared in " + file + ": actual " + decoded.size() + " vs expected thousands");
    }

    /** null when the decoder's instruction at `at` agrees with objdump's, else what differs. */
    private static String compare(long at, String mine, ObjdumpInsn ref, TreeMap<Long, String> decoded,
            Map<Long, ObjdumpInsn> reference) {
        if (ref == null) {
            // the x87 instruction after an fwait objdump merged into it (see below)
            ObjdumpInsn merged = reference.get(at - 1);
            if ("1".equals(decoded.get(at - 1)) && merged != null && merged.length() > 1
                    && merged.text().startsWith("f")) {
                return null;
            }
            return "decoder: length " + mine + " vs objdump: no instruction starts here";
        }
        if (mine.startsWith("error")) {
            return ref.text().contains("(bad)") ? null : "decoder: " + mine + " vs objdump: " + ref.length()
                    + " bytes, " + ref.text();
        }
        int length = Integer.parseInt(mine);
        if (length == ref.length()) {
            return null;
        }
        // fwait shown merged with the x87 instruction that follows it
        String next = decoded.get(at + 1);
        if (length == 1 && ref.text().startsWith("f") && next != null && !next.startsWith("error")
                && 1 + Integer.parseInt(next) == ref.length()) {
            return null;
        }
        // REX bytes objdump shows apart: their chain must end where the decoder's instruction ends
        long p = at;
        ObjdumpInsn r = ref;
        while (r != null && r.length() == 1 && r.text().startsWith("rex") && p < at + length) {
            p += 1;
            r = reference.get(p);
        }
        if (p > at && r != null && p + r.length() == at + length) {
            return null;
        }
        return "decoder: " + length + " bytes vs objdump: " + ref.length() + " bytes, " + ref.text();
    }
}
