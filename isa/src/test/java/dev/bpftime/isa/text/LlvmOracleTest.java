package dev.bpftime.isa.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bpftime.isa.DecodeException;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionDecoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Differential test against the real tool: every opcode byte with registers 0-15, several offsets and
 * immediates (atomic codes among them) is assembled by llvm-mc-19 into an object and listed by
 * llvm-objdump-19; each listed line must equal what {@link LlvmDecoder} makes of the same bytes, branch
 * annotation included, and {@link LlvmSyntax} must print the same for what the ISA decoder accepts.
 */
class LlvmOracleTest {

    private static final int[][] REGISTERS = {{1, 2}, {3, 0}, {11, 0}, {0, 11}, {12, 0}, {0, 12}, {15, 3}};
    private static final int[] OFFSETS = {0, 1, 8, 16, 32, -8};
    private static final int[] IMMEDIATES = {0, 1, 16, 32, 64, -1, 0x12345678, 0x41, 0xa0, 0xe1, 0xf1, 0x101};
    private static final Pattern LINE = Pattern.compile("^\\s*(\\d+):\\t([0-9a-f ]+)\\t(.*)$");

    record Probe(int opcode, int dst, int src, int off, int imm) {
    }

    @ParameterizedTest(name = "{0} alu32={1}")
    @CsvSource({"bpfel, false", "bpfel, true", "bpfeb, false"})
    void everyOpcodeListsAsObjdumpListsIt(String triple, boolean alu32) throws Exception {
        assumeTrue(LlvmTools.find("llvm-mc-19").isPresent(), "llvm-mc-19 is not installed (Debian package llvm-19)");
        assumeTrue(LlvmTools.find("llvm-objdump-19").isPresent(), "llvm-objdump-19 is not installed (Debian package llvm-19)");
        ByteOrder order = triple.equals("bpfel") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        List<Probe> probes = probes();
        byte[] code = encode(probes, order);
        Path dir = Files.createDirectories(Path.of("target", "llvm-oracle").toAbsolutePath());
        Path source = dir.resolve("probes-" + triple + ".s");
        writeAssembly(source, code);
        Path object = dir.resolve("probes-" + triple + ".o");
        LlvmTools.run(List.of("llvm-mc-19", "-triple", triple, "-filetype=obj", source.toString(), "-o", object.toString()), dir);
        List<String> command = new ArrayList<>(List.of("llvm-objdump-19", "-d"));
        if (alu32) {
            command.add("--mattr=+alu32");
        }
        command.add(object.toString());
        Map<Integer, String> listed = listedTexts(LlvmTools.run(command, dir));

        List<String> mismatches = new ArrayList<>();
        int formatted = 0;
        for (int k = 0; k < probes.size(); k++) {
            int at = 16 * k;
            String expected = listed.get(2 * k);
            String actual = line(code, at, order, alu32);
            if (!actual.equals(expected)) {
                mismatches.add(probes.get(k) + ": objdump '" + expected + "' vs ours '" + actual + "'");
            }
            String viaModel = expected == null || expected.equals(LlvmSyntax.UNKNOWN) ? null
                    : formatThroughModel(code, at, order, alu32);
            if (viaModel != null) {
                formatted++;
                String withoutTarget = expected == null ? null : expected.replaceFirst(" <f(\\+0x[0-9a-f]+)?>$", "");
                if (!viaModel.equals(withoutTarget)) {
                    mismatches.add(probes.get(k) + " via Instruction: objdump '" + withoutTarget + "' vs ours '" + viaModel + "'");
                }
            }
        }
        System.out.printf("llvm oracle %s alu32=%s: %d probes, %d also through the Instruction model%n",
                triple, alu32, probes.size(), formatted);
        assertEquals(List.of(), mismatches.subList(0, Math.min(20, mismatches.size())),
                mismatches.size() + " of " + probes.size() + " probes differ");
    }

    private static List<Probe> probes() {
        List<Probe> out = new ArrayList<>();
        for (int opcode = 0; opcode < 256; opcode++) {
            for (int[] regs : REGISTERS) {
                for (int off : OFFSETS) {
                    for (int imm : IMMEDIATES) {
                        boolean allZero = opcode == 0 && regs[0] == 0 && regs[1] == 0 && off == 0 && imm == 0;
                        if (!allZero) {
                            out.add(new Probe(opcode, regs[0], regs[1], off, imm));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Each probe slot is followed by "r0 = k", whose immediate an lddw probe takes as its high half. */
    private static byte[] encode(List<Probe> probes, ByteOrder order) {
        ByteBuffer buf = ByteBuffer.allocate(16 * probes.size()).order(order);
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        for (int k = 0; k < probes.size(); k++) {
            Probe p = probes.get(k);
            buf.put((byte) p.opcode).put((byte) (little ? (p.src << 4) | p.dst : (p.dst << 4) | p.src))
                    .putShort((short) p.off).putInt(p.imm);
            buf.put((byte) 0xb7).put((byte) 0).putShort((short) 0).putInt(k % 3 == 0 ? -k : k);
        }
        return buf.array();
    }

    private static void writeAssembly(Path source, byte[] code) throws Exception {
        StringBuilder s = new StringBuilder(".text\n.globl f\nf:\n");
        for (int at = 0; at < code.length; at += 16) {
            s.append(".byte ");
            for (int i = 0; i < 16; i++) {
                s.append(i > 0 ? "," : "").append(code[at + i] & 0xff);
            }
            s.append('\n');
        }
        Files.writeString(source, s);
    }

    private static Map<Integer, String> listedTexts(String listing) {
        Map<Integer, String> out = new HashMap<>();
        for (String l : listing.split("\n")) {
            Matcher m = LINE.matcher(l);
            if (m.matches()) {
                out.putIfAbsent(Integer.parseInt(m.group(1)), m.group(3));
            }
        }
        return out;
    }

    /** What objdump shows after the bytes: the text, and for a branch the target relative to f at 0. */
    private static String line(byte[] code, int at, ByteOrder order, boolean alu32) {
        LlvmDecoded d = LlvmDecoder.decode(code, at, code.length - at, order, alu32);
        if (d.isUnknown()) {
            return LlvmSyntax.UNKNOWN;
        }
        if (!d.branch()) {
            return d.text();
        }
        long target = at + d.size() + (long) d.branchSlots() * d.size();
        return d.text() + (target == 0 ? " <f>" : " <f+0x" + Long.toHexString(target) + ">");
    }

    private static String formatThroughModel(byte[] code, int at, ByteOrder order, boolean alu32) {
        Instruction insn;
        try {
            insn = InstructionDecoder.decode(code, at, 16, order).get(0);
        } catch (DecodeException refused) {
            try {
                insn = InstructionDecoder.decode(code, at, 8, order).get(0);
            } catch (DecodeException alsoRefused) {
                return null;
            }
        }
        return alu32 ? LlvmSyntax.formatAlu32(insn) : LlvmSyntax.format(insn);
    }
}
