package dev.bpftime.syscallhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The instruction length decoder and the .eh_frame_hdr reader against GNU objdump over whole
 * system libraries: every function the library lists is decoded as the fast path decodes it, and
 * each instruction must be one objdump shows at the same address with the same length. objdump
 * sweeps whole sections, so after data in .text (crypto tables) it may be out of step at the
 * start of a function, which is then not compared (at most 2 % of them may be). Two
 * display conventions of objdump are understood: it shows a waiting x87 instruction (9b + fnstsw
 * ...) as one where the CPU sees two, and REX bytes followed by another prefix as instructions of
 * their own where the CPU sees one.
 */
class X86DecoderDifferentialTest {
    private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t([0-9a-f ]+?)\\s*\\t(.*)$");

    private record Insn(int length, int firstByte, String text) {}

    @ParameterizedTest
    @ValueSource(strings = {"/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2",
        "/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/x86_64-linux-gnu/libcrypto.so.3", "/usr/lib/x86_64-linux-gnu/libgcrypt.so.20"})
    void sameInstructionsAsObjdump(String library) throws Exception {
        Path lib = Path.of(library);
        if (library.contains("libc.so.6")) {
            assertTrue(Files.isRegularFile(lib), "glibc must be present: " + lib);
        }
        assumeTrue(Files.isRegularFile(lib), library + " is not installed here");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/objdump")), "objdump (binutils) is not installed");

        ProcessRun od = ProcessRun.run(Map.of(), "objdump", "-d", "-w", "-z", library);
        assertEquals(0, od.exitCode(), "objdump failed on " + library);
        Map<Long, Insn> theirs = new HashMap<>();
        for (String l : od.stdout().split("\n")) {
            Matcher m = LINE.matcher(l);
            if (m.matches()) {
                String[] bytes = m.group(2).trim().split(" ");
                theirs.put(Long.parseUnsignedLong(m.group(1), 16),
                        new Insn(bytes.length, Integer.parseInt(bytes[0], 16), m.group(3)));
            }
        }

        ProcessRun ours = ProcessRun.run(Map.of(), NativeBuild.program("tool_x86_lengths").toString(), library);
        assertEquals(0, ours.exitCode(), ours.describe());
        String[] lines = ours.stdout().split("\n");
        assertTrue(lines[lines.length - 1].startsWith("functions "), "tool output ends with the function count");
        long functions = Long.parseLong(lines[lines.length - 1].substring(10));
        List<String> mismatches = new ArrayList<>();
        long compared = 0, unsynced = 0;
        boolean skipping = false;
        for (int i = 0; i < lines.length - 1; i++) {
            String[] f = lines[i].split(" ");
            if (f[0].equals("function")) {
                skipping = !theirs.containsKey(Long.parseUnsignedLong(f[1], 16));
                unsynced += skipping ? 1 : 0;
                continue;
            }
            if (skipping) {
                continue;
            }
            long at = Long.parseUnsignedLong(f[0], 16);
            Insn t = theirs.get(at);
            boolean ok;
            if (f[1].equals("bad")) {
                ok = false;
            } else if (t != null && t.firstByte() == 0x9b && t.length() > 1) {
                ok = f[1].equals("1") && i + 1 < lines.length && lines[i + 1].startsWith(Long.toHexString(at + 1) + " "
                        + (t.length() - 1) + " ");
                i++;
            } else if (t != null && t.length() == 1 && t.text().startsWith("rex")) {
                long total = 0, p = at;
                while (theirs.get(p) != null && theirs.get(p).length() == 1 && theirs.get(p).text().startsWith("rex")) {
                    total++;
                    p++;
                }
                ok = theirs.get(p) != null && f[1].equals(String.valueOf(total + theirs.get(p).length()));
            } else {
                ok = t != null && f[1].equals(String.valueOf(t.length()));
            }
            compared++;
            if (!ok && mismatches.size() < 20) {
                mismatches.add(Long.toHexString(at) + ": ours " + f[1] + " bytes vs objdump "
                        + (t == null ? "no instruction there" : t.length() + " bytes '" + t.text() + "'"));
            }
        }
        assertTrue(functions > 100 && compared > 10_000, library + ": only " + functions + " functions, "
                + compared + " instructions compared");
        assertTrue(unsynced * 50 <= functions, library + ": objdump out of step at " + unsynced + " of "
                + functions + " function starts");
        assertEquals(List.of(), mismatches, library + ": " + functions + " functions, " + compared + " instructions");
    }
}
