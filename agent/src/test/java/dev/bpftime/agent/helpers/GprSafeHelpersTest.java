package dev.bpftime.agent.helpers;

import static dev.bpftime.isa.Asm.call;
import static dev.bpftime.isa.Asm.callKfunc;
import static dev.bpftime.isa.Asm.callLocal;
import static dev.bpftime.isa.Asm.exit;
import static dev.bpftime.isa.Asm.label;
import static dev.bpftime.isa.Asm.lddw;
import static dev.bpftime.isa.Asm.mov64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.Asm;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionEncoder;
import dev.bpftime.isa.Register;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The GPR-safe helpers (bpftime_helper_gpr_safe), on which a probe hit skips saving the traced code's
 * vector registers and errno: checked at run time with every vector register filled
 * (src/test/c/gpr_helpers_test.c), statically in the linked libbpftime-agent.so (nothing reachable
 * from them uses a vector or x87 register or calls through the PLT), and the per-program flag the
 * agent derives from them (bpftime_helpers_prog_gpr_only).
 */
class GprSafeHelpersTest {

    private static final HelpersLib LIB = HelpersLib.LIB;
    private static final int TABLE_SIZE = 212;

    @Test
    void everySafeHelperKeepsTheVectorRegistersAndErrnoOnEachOfItsPaths() throws Exception {
        Path test = Path.of(nativeDir(), "test", "gpr_helpers_test");
        assertTrue(Files.isExecutable(test), "test program: actual no " + test + " vs expected the build's");
        Result r = run(List.of(test.toString()));
        System.out.print(r.stdout());
        assertEquals(0, r.exit(), "gpr_helpers_test: " + r.describe());
        assertTrue(r.stdout().contains("ok self-check"), "the register check's self-check: " + r.describe());
    }

    /**
     * Walks the call graph of the linked agent from each safe helper's table entry (and objects_map,
     * which bpf_map_lookup_elem calls through its map resolver): no reachable instruction may name a
     * vector, opmask or x87 register, no call may go through the PLT (a libc function), and an
     * indirect call or jump is allowed only where the helper calls the vDSO or the map resolver (the
     * GPR-only objects are built with -fno-jump-tables, so a switch makes none).
     */
    @Test
    void nothingReachableFromASafeHelperUsesAVectorRegisterOrLibc() throws Exception {
        Path so = Path.of(nativeDir(), "libbpftime-agent.so");
        assertTrue(Files.isReadable(so), "agent library: actual no " + so + " vs expected the build's");
        Disassembly d = Disassembly.of(so);
        long table = d.uniqueSymbol("implemented");
        Map<Long, Long> relative = d.relativeRelocations();
        Set<String> roots = new LinkedHashSet<>();
        for (int id = 0; id < TABLE_SIZE; id++) {
            if (LIB.bpftime_helper_gpr_safe(id) == 0) {
                continue;
            }
            Long target = relative.get(table + 8L * id);
            assertTrue(target != null, "helper " + id + ": actual no relocation at implemented[" + id + "]");
            String name = d.functionAt(target);
            assertTrue(name != null, "helper " + id + ": actual no function at " + Long.toHexString(target));
            roots.add(name);
        }
        assertTrue(roots.size() >= 30, "GPR-safe helpers found in the table: actual " + roots.size());
        roots.add("objects_map");

        // where a pointer call is expected: the vDSO's clock_gettime, the map-of-maps resolver
        Set<String> indirectAllowed = Set.of("clock_ns", "bpftime_h_ktime_get_ns", "bpftime_h_ktime_get_boot_ns",
                "bpftime_h_ktime_get_coarse_ns", "bpftime_h_get_prandom_u32", "bpftime_h_map_lookup_elem");
        List<String> problems = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            String fn = todo.poll();
            if (!seen.add(fn)) {
                continue;
            }
            List<String> body = d.body(fn);
            if (body == null) {
                problems.add(fn + ": not found in the disassembly");
                continue;
            }
            for (String insn : body) {
                String why = Disassembly.vectorUse(insn);
                if (why != null) {
                    problems.add(fn + ": " + why + ": " + insn);
                }
                Matcher m = Disassembly.BRANCH.matcher(insn);
                if (!m.find()) {
                    continue;
                }
                String operand = m.group(2).trim();
                if (operand.startsWith("*")) {
                    boolean call = m.group(1).equals("call");
                    if (!indirectAllowed.contains(Disassembly.baseName(fn))) {
                        problems.add(fn + ": an indirect " + (call ? "call" : "jump") + ": " + insn);
                    }
                    continue;
                }
                Matcher t = Disassembly.TARGET.matcher(operand);
                if (!t.find()) {
                    continue;
                }
                String target = t.group(1);
                if (target.contains("@plt") || target.contains("@GLIBC")) {
                    problems.add(fn + ": calls " + target + " (a library function)");
                } else if (!Disassembly.baseName(target).equals(Disassembly.baseName(fn))) {
                    todo.add(target.replaceAll("\\+0x[0-9a-f]+$", ""));
                }
            }
        }
        System.out.println("GPR-safe helpers reach " + seen.size() + " functions: " + seen);
        assertTrue(seen.contains("bpftime_map_lookup_elem") && seen.contains("bpftime_syscall_hooks_raw"),
                "the walk reached the maps library and the untraced gate: actual " + seen);
        assertEquals(List.of(), problems, "what GPR-safe helpers reach");
    }

    @Test
    void aProgramIsGprOnlyWhenEveryCallIsASubprogramOrASafeHelper() {
        // bpf_get_current_pid_tgid (14), bpf_map_lookup_elem (1), bpf_ktime_get_ns (5)
        assertEquals(1, gprOnly(List.of(call(14), lddw(Register.R1, 0), call(1), call(5), mov64(Register.R0, 0),
                exit())));
        assertEquals(1, gprOnly(List.of(mov64(Register.R0, 0), exit())), "no call at all");
        assertEquals(1, gprOnly(List.of(callLocal("f"), exit(), label("f"), call(14), exit())),
                "a subprogram calling a safe helper");
        assertEquals(0, gprOnly(List.of(call(14), call(6), exit())), "bpf_trace_printk (6)");
        assertEquals(0, gprOnly(List.of(call(12), exit())), "bpf_tail_call (12): its target may not be");
        assertEquals(0, gprOnly(List.of(callLocal("f"), exit(), label("f"), call(165), exit())),
                "bpf_snprintf (165) in a subprogram");
        assertEquals(0, gprOnly(List.of(callKfunc(1234), exit())), "a kfunc");
        assertEquals(0, gprOnly(List.of(call(211), exit())), "an id the runtime lacks");
        assertEquals(0, LIB.bpftime_helper_gpr_safe(12), "bpf_tail_call marked GPR-safe");
        assertEquals(0, LIB.bpftime_helper_gpr_safe(6), "bpf_trace_printk marked GPR-safe");
        assertEquals(0, LIB.bpftime_helper_gpr_safe(-1), "id -1 (4294967295) marked GPR-safe");
    }

    private static String nativeDir() {
        String dir = System.getProperty("bpftime.agent.native");
        assertTrue(dir != null && !dir.isBlank(), "system property bpftime.agent.native: actual unset vs expected "
                + "the agent's target/native (set by the pom's surefire configuration)");
        return dir;
    }

    private record Result(int exit, String stdout, String stderr) {
        String describe() {
            return "exit " + exit + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /** Runs a command to its end (at most 120 s), stdout and stderr kept apart. */
    private static Result run(List<String> command) throws Exception {
        Path err = Files.createTempFile("bpftime-gpr", ".stderr");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return new Result(-1, out, "timed out\n" + Files.readString(err));
            }
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static int gprOnly(List<? extends AsmItem> items) {
        List<Instruction> program = Asm.assemble(items);
        byte[] code = InstructionEncoder.encode(program);
        return LIB.bpftime_helpers_prog_gpr_only(code, code.length / 8);
    }

    /** objdump's view of a linked shared object: functions, their instructions, relocations. */
    private record Disassembly(Map<String, List<String>> bodies, Map<Long, String> starts,
            Map<String, List<Long>> symbols, Map<Long, Long> relocs) {

        static final Pattern BRANCH = Pattern.compile("\\t(?:notrack |bnd )?(call|jmp|j[a-z]{1,3})\\s+(.*)$");
        static final Pattern TARGET = Pattern.compile("<([^>]+)>");
        private static final Pattern HEADER = Pattern.compile("^([0-9a-f]+) <(.+)>:$");
        private static final Pattern INSN = Pattern.compile("^\\s*[0-9a-f]+:\\t");
        private static final Pattern VECTOR_REG = Pattern.compile("%(?:[xyz]mm\\d+|k[0-7]\\b|st\\b|st\\(|mm[0-7]\\b)");
        private static final Pattern VECTOR_MNEMONIC = Pattern.compile(
                "\\t(?:f[a-z0-9]+|[ls]dmxcsr|stmxcsr|ldmxcsr|vzero\\w+|emms|xsave\\w*|xrstor\\w*|v[a-z0-9]+)(?:\\s|$)");

        static Disassembly of(Path so) throws Exception {
            Result dis = run(List.of("objdump", "-d", "--no-show-raw-insn", so.toString()));
            assertEquals(0, dis.exit(), "objdump -d " + so + ": " + dis.describe());
            Map<String, List<String>> bodies = new HashMap<>();
            Map<Long, String> starts = new HashMap<>();
            List<String> current = null;
            for (String line : dis.stdout().split("\n")) {
                Matcher h = HEADER.matcher(line);
                if (h.matches()) {
                    current = new ArrayList<>();
                    bodies.put(h.group(2), current);
                    starts.put(Long.parseUnsignedLong(h.group(1), 16), h.group(2));
                } else if (current != null && INSN.matcher(line).find()) {
                    current.add(line);
                }
            }
            Result nm = run(List.of("nm", so.toString()));
            assertEquals(0, nm.exit(), "nm " + so + ": " + nm.describe());
            Map<String, List<Long>> symbols = new HashMap<>();
            for (String line : nm.stdout().split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 3) {
                    symbols.computeIfAbsent(f[2], k -> new ArrayList<>()).add(Long.parseUnsignedLong(f[0], 16));
                }
            }
            Result rel = run(List.of("objdump", "-R", so.toString()));
            assertEquals(0, rel.exit(), "objdump -R " + so + ": " + rel.describe());
            Map<Long, Long> relocs = new HashMap<>();
            Pattern relative = Pattern.compile("^([0-9a-f]+) R_X86_64_RELATIVE\\s+\\*ABS\\*\\+0x([0-9a-f]+)$");
            for (String line : rel.stdout().split("\n")) {
                Matcher m = relative.matcher(line.trim());
                if (m.matches()) {
                    relocs.put(Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16));
                }
            }
            return new Disassembly(bodies, starts, symbols, relocs);
        }

        long uniqueSymbol(String name) {
            List<Long> at = symbols.get(name);
            assertTrue(at != null && at.size() == 1, "symbol " + name + ": actual " + at + " vs expected one");
            return at.get(0);
        }

        Map<Long, Long> relativeRelocations() {
            return relocs;
        }

        String functionAt(long address) {
            return starts.get(address);
        }

        List<String> body(String fn) {
            return bodies.get(fn);
        }

        /** clock_ns.constprop.0 and clock_ns.cold are clock_ns. */
        static String baseName(String fn) {
            int dot = fn.indexOf('.');
            String s = dot > 0 ? fn.substring(0, dot) : fn;
            return s.replaceAll("\\+0x[0-9a-f]+$", "");
        }

        /** Why an instruction touches the vector or x87 state, or null. */
        static String vectorUse(String insn) {
            if (VECTOR_REG.matcher(insn).find()) {
                return "a vector, opmask or x87 register";
            }
            if (VECTOR_MNEMONIC.matcher(insn).find()) {
                return "a vector or x87 instruction";
            }
            return null;
        }
    }
}
