package dev.bpftime.isa.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpftime.isa.DecodeException;
import dev.bpftime.isa.asm.AssemblyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each file of ../shared/conformance/negative is refused, and this table says by whom, where and with
 * which words. A file missing from the table, or an entry without a file, fails the suite, so nothing
 * passes by accident. When a file's {@code -- error} section names a text, the refusal's message must
 * contain it.
 */
class NegativeCorpusTest {

    /** Who refuses a file. */
    enum Where {
        /** ConformanceFile: the file is not a well-formed test. */
        FORMAT,
        /** The Assembler: the {@code -- asm} section is not valid assembly. */
        ASSEMBLER,
        /** The InstructionDecoder: the {@code -- raw} bytes are not valid instructions. */
        DECODER,
        /** Nothing here: the file parses; the VM (its verifier or the result comparison) must refuse it. */
        RUN
    }

    /** Line (file line for FORMAT/ASSEMBLER, slot for DECODER, 0 for the whole file) and a message fragment. */
    record Expected(Where where, int line, String fragment) {
    }

    private static final Map<String, Expected> TABLE = new LinkedHashMap<>();

    private static void expect(String file, Where where, int line, String fragment) {
        if (TABLE.put(file, new Expected(where, line, fragment)) != null) {
            throw new IllegalStateException("listed twice: " + file);
        }
    }

    /**
     * invalid_unknown_directive.data says {@code -- error Invalid register}, but its unknown directive
     * comes first; bpf_conformance's own CMake test of it expects "Test file has no BPF instructions",
     * i.e. a refusal of the file, not of a register. Its error text is never reached.
     */
    private static final Set<String> ERROR_SECTION_UNREACHED = Set.of("invalid_unknown_directive.data");

    static {
        expect("empty.data", Where.FORMAT, 0, "no instructions: actual neither a -- asm nor a -- raw section");
        expect("empty_instructions.data", Where.FORMAT, 0, "no instructions");
        expect("invalid_unknown_directive.data", Where.FORMAT, 4, "unknown directive: actual '-- Unknown directive'");

        expect("invalid_imm32_dec_range.data", Where.ASSEMBLER, 5, "Immediate out of 32-bit range: actual 2147483648");
        expect("invalid_imm32_hex_range.data", Where.ASSEMBLER, 5, "Immediate out of 32-bit range: actual 0x100000000");
        expect("invalid_label.data", Where.ASSEMBLER, 4, "Invalid label: actual 'NOT_A_LABEL'");
        expect("invalid_lock.data", Where.ASSEMBLER, 4, "Invalid number of operands for lock: actual 2 vs expected 3");
        expect("invalid_lock2.data", Where.ASSEMBLER, 4, "Invalid number of operands for lock: actual 0 vs expected 3");
        expect("invalid_mnemonic.data", Where.ASSEMBLER, 5, "Invalid mnemonic: actual 'ldxq'");
        expect("invalid_offset.data", Where.ASSEMBLER, 4, "Failed to decode register and offset: actual '%r1'");
        expect("invalid_offset_range.data", Where.ASSEMBLER, 5, "Offset out of 16-bit range: actual +0x10000");
        expect("invalid_operand_count.data", Where.ASSEMBLER, 4,
                "Invalid number of operands for lddw: actual 1 vs expected 2");
        expect("invalid_register.data", Where.ASSEMBLER, 4, "Invalid register: actual '%r50' vs expected %r0..%r10");

        expect("unused-add64_imm-offset.data", Where.DECODER, 0, "reserved field offset of 0x07");
        expect("unused-add64_imm-src.data", Where.DECODER, 0, "reserved field src of 0x07");
        expect("unused-add64_reg-imm.data", Where.DECODER, 0, "reserved field imm of 0x0f");
        expect("unused-add64_reg-offset.data", Where.DECODER, 0, "reserved field offset of 0x0f");
        expect("unused-add_imm-offset.data", Where.DECODER, 0, "reserved field offset of 0x04");
        expect("unused-add_imm-src.data", Where.DECODER, 0, "reserved field src of 0x04");
        expect("unused-add_reg-imm.data", Where.DECODER, 0, "reserved field imm of 0x0c");
        expect("unused-add_reg-offset.data", Where.DECODER, 0, "reserved field offset of 0x0c");
        expect("unused-be16-offset.data", Where.DECODER, 0, "reserved field offset of 0xdc");
        expect("unused-be16-src.data", Where.DECODER, 0, "reserved field src of 0xdc");
        expect("unused-call-dst.data", Where.DECODER, 0, "reserved field dst of 0x85");
        expect("unused-call-offset.data", Where.DECODER, 0, "reserved field offset of 0x85");
        expect("unused-exit-dst.data", Where.DECODER, 0, "reserved field dst of 0x95");
        expect("unused-exit-imm.data", Where.DECODER, 0, "reserved field imm of 0x95");
        expect("unused-exit-offset.data", Where.DECODER, 0, "reserved field offset of 0x95");
        expect("unused-exit-src.data", Where.DECODER, 0, "reserved field src of 0x95");
        expect("unused-ja-dst.data", Where.DECODER, 0, "reserved field dst of 0x05");
        expect("unused-ja-imm.data", Where.DECODER, 0, "reserved field imm of 0x05");
        expect("unused-ja-src.data", Where.DECODER, 0, "reserved field src of 0x05");
        expect("unused-jeq_imm-src.data", Where.DECODER, 0, "reserved field src of 0x15");
        expect("unused-jeq_reg-imm.data", Where.DECODER, 0, "reserved field imm of 0x1d");
        expect("unused-jgt_imm-src.data", Where.DECODER, 0, "reserved field src of 0x25");
        expect("unused-jgt_reg-imm.data", Where.DECODER, 0, "reserved field imm of 0x2d");
        expect("unused-ldxdw-imm.data", Where.DECODER, 0, "reserved field imm of 0x79");
        expect("unused-ldxw-imm.data", Where.DECODER, 0, "reserved field imm of 0x61");
        expect("unused-le16-offset.data", Where.DECODER, 0, "reserved field offset of 0xd4");
        expect("unused-le16-src.data", Where.DECODER, 0, "reserved field src of 0xd4");
        expect("unused-mov64_imm-offset.data", Where.DECODER, 0, "reserved field offset of 0xb7");
        expect("unused-mov64_imm-src.data", Where.DECODER, 0, "reserved field src of 0xb7");
        expect("unused-mov64_reg-imm.data", Where.DECODER, 0, "reserved field imm of 0xbf");
        expect("unused-mov64_reg-offset.data", Where.DECODER, 0, "reserved field offset of 0xbf");
        expect("unused-mov_imm-offset.data", Where.DECODER, 0, "reserved field offset of 0xb4");
        expect("unused-mov_imm-src.data", Where.DECODER, 0, "reserved field src of 0xb4");
        expect("unused-mov_reg-imm.data", Where.DECODER, 0, "reserved field imm of 0xbc");
        expect("unused-mov_reg-offset.data", Where.DECODER, 0, "reserved field offset of 0xbc");
        expect("unused-neg-imm.data", Where.DECODER, 0, "reserved field imm of 0x84");
        expect("unused-neg-offset.data", Where.DECODER, 0, "reserved field offset of 0x84");
        expect("unused-neg-src.data", Where.DECODER, 0, "reserved field src of 0x84");
        expect("unused-neg64-imm.data", Where.DECODER, 0, "reserved field imm of 0x87");
        expect("unused-neg64-offset.data", Where.DECODER, 0, "reserved field offset of 0x87");
        expect("unused-neg64-src.data", Where.DECODER, 0, "reserved field src of 0x87");
        expect("unused-stdw-src.data", Where.DECODER, 0, "reserved field src of 0x7a");
        expect("unused-stw-src.data", Where.DECODER, 0, "reserved field src of 0x62");
        expect("unused-stxdw-imm.data", Where.DECODER, 0, "reserved field imm of 0x7b");
        expect("unused-stxw-imm.data", Where.DECODER, 0, "reserved field imm of 0x63");

        // or %r0, %r10 is well-formed; a verifier refuses it (reads the unset r0, ORs the frame pointer):
        // bpf_conformance's CMake test verifier_failure expects the kernel's "Failed to load program".
        expect("error.data", Where.RUN, 0, "Invalid");
        // ldxdw at [%r1+2] returns 0x8877665544332211; the file expects 0x89..., so the result comparison fails.
        expect("incorrect_return_value_high_bits.data", Where.RUN, 0, null);
    }

    @Test
    void tableListsExactlyTheFilesOfTheCorpus() {
        Set<String> files = SharedCorpus.files("negative").stream().map(p -> p.getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>(files);
        missing.removeAll(TABLE.keySet());
        Set<String> stale = new TreeSet<>(TABLE.keySet());
        stale.removeAll(files);
        assertEquals(Set.of(), missing, "negative files without an expectation in the table");
        assertEquals(Set.of(), stale, "table entries without a file");
    }

    @TestFactory
    Stream<DynamicTest> eachNegativeFileIsRefusedWhereTheTableSays() {
        return SharedCorpus.files("negative").stream()
                .filter(p -> TABLE.containsKey(p.getFileName().toString()))
                .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
    }

    /** What parsing a file gave: a test, or the refusal. */
    private record Outcome(ConformanceTest parsed, RuntimeException refusal) {
        Where where() {
            return refusal == null ? Where.RUN
                    : refusal instanceof ConformanceFormatException ? Where.FORMAT
                    : refusal instanceof AssemblyException ? Where.ASSEMBLER : Where.DECODER;
        }
    }

    private static Outcome parse(Path file) throws IOException {
        try {
            return new Outcome(ConformanceFile.parse(file), null);
        } catch (ConformanceFormatException | AssemblyException | DecodeException e) {
            return new Outcome(null, e);
        }
    }

    private static void check(Path file) throws IOException {
        String name = file.getFileName().toString();
        Expected expected = TABLE.get(name);
        String errorText = errorSectionText(Files.readAllLines(file));
        Outcome outcome = parse(file);
        RuntimeException refusal = outcome.refusal();
        assertEquals(expected.where(), outcome.where(), () -> name + " refused by the wrong party"
                + (refusal == null ? ": it parsed" : ": " + refusal.getMessage()));

        switch (outcome.where()) {
            case FORMAT -> assertEquals(expected.line(), ((ConformanceFormatException) refusal).line(), name);
            case ASSEMBLER -> assertEquals(expected.line(), ((AssemblyException) refusal).line(), name);
            case DECODER -> assertEquals(expected.line(), ((DecodeException) refusal).slot(), name);
            case RUN -> {
                ConformanceTest parsed = outcome.parsed();
                if (errorText != null) {
                    assertEquals(errorText, parsed.expectedError().orElseThrow(), name);
                    assertEquals(expected.fragment(), errorText, name);
                } else {
                    assertTrue(parsed.expectedResult().isPresent(), name + " expects neither an error nor a result");
                }
                return;
            }
        }
        String message = refusal.getMessage();
        assertTrue(message.contains(expected.fragment()),
                () -> name + ": actual message '" + message + "' vs expected it to contain '" + expected.fragment() + "'");
        if (errorText != null && !errorText.isEmpty()) {
            if (ERROR_SECTION_UNREACHED.contains(name)) {
                assertTrue(message.contains("unknown directive"), name);
            } else {
                assertTrue(message.contains(errorText), () -> name + ": actual message '" + message
                        + "' vs expected it to contain the file's -- error text '" + errorText + "'");
            }
        }
    }

    /** The text after {@code -- error}, read without the parser under test; null when there is no such section. */
    static String errorSectionText(List<String> lines) {
        List<String> texts = new ArrayList<>();
        boolean inError = false;
        boolean seen = false;
        for (String line : lines) {
            String content = line.replaceAll("#.*", "").strip();
            if (content.startsWith("--")) {
                inError = content.equals("-- error");
                seen |= inError;
            } else if (inError && !content.isEmpty()) {
                texts.add(content);
            }
        }
        return seen ? String.join("\n", texts) : null;
    }

    /** The table, grouped, for the report. */
    @Test
    void printClassification() {
        Map<Where, List<String>> byWhere = new LinkedHashMap<>();
        TABLE.forEach((file, e) -> byWhere.computeIfAbsent(e.where(), w -> new ArrayList<>()).add(file));
        byWhere.forEach((w, files) -> System.out.println("negative " + w + " (" + files.size() + "): " + files));
        if (byWhere.isEmpty()) {
            fail("empty table");
        }
    }
}
