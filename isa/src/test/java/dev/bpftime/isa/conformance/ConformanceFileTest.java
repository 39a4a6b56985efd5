package dev.bpftime.isa.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.Asm;
import dev.bpftime.isa.DecodeException;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.Register;
import dev.bpftime.isa.asm.AssemblyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading .data files: the sections, their shapes, and every refusal of a malformed file. */
class ConformanceFileTest {

    private static ConformanceTest parse(String text) {
        return ConformanceFile.parse("t.data", text);
    }

    @Test
    void readsProgramMemoryAndResult() {
        ConformanceTest t = parse("""
                # Copyright line
                -- asm
                mov %r0, %r2 # the length of the memory
                exit
                -- mem
                00 01
                fe FF
                -- result
                0x4
                """);
        assertEquals("t", t.name());
        assertEquals(List.of(Asm.mov64(Register.R0, Register.R2), Asm.exit()), t.program());
        assertArrayEquals(new byte[] {0, 1, (byte) 0xfe, (byte) 0xff}, t.memory());
        assertEquals(OptionalLong.of(4), t.expectedResult());
        assertEquals(Optional.empty(), t.expectedError());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0x1, 1", "0xFFFFFFFFFFFFFFFF, -1", "18446744073709551615, -1", "-1, -1", "42, 42",
            "0x8000000000000000, -9223372036854775808"})
    void resultsAreHexOrDecimal64BitValues(String text, long value) {
        assertEquals(OptionalLong.of(value), parse("-- asm\nexit\n-- result\n" + text + "\n").expectedResult());
    }

    @Test
    void errorSectionWithTextOrEmpty() {
        assertEquals(Optional.of("Invalid register"), parse("-- asm\nexit\n-- error\nInvalid register").expectedError());
        assertEquals(Optional.of(""), parse("-- asm\nexit\n-- error\n").expectedError());
    }

    @Test
    void notesSectionsAreIgnored() {
        ConformanceTest t = parse("-- c\nint main() { return 0; } -- whatever\n-- asm\nexit\n-- result\n0\n"
                + "-- no register offset\ncall instruction\n");
        assertEquals(List.of(Asm.exit()), t.program());
    }

    @Test
    void rawAsBytesAndAsSlots() {
        List<Instruction> expected = List.of(Asm.mov64(Register.R0, 1), Asm.exit());
        assertEquals(expected, parse("-- raw\nb7 00 00 00 01 00 00 00\n95 00 00 00 00 00 00 00\n-- result\n1").program());
        assertEquals(expected, parse("-- raw\n0x00000001000000b7\n0x95\n-- result\n1").program());
    }

    @Test
    void rawAndAsmMustAgree() {
        String agree = "-- asm\nlddw %r0, 0x1122334455667788\nexit\n-- raw\n0x5566778800000018\n0x1122334400000000\n"
                + "0x0000000000000095\n-- result\n0x1122334455667788\n";
        assertEquals(List.of(Asm.lddw(Register.R0, 0x1122334455667788L), Asm.exit()), parse(agree).program());

        ConformanceFormatException e = assertThrows(ConformanceFormatException.class,
                () -> parse("-- asm\nmov %r0, 2\nexit\n-- raw\nb7 00 00 00 01 00 00 00\n95 00 00 00 00 00 00 00\n"
                        + "-- result\n1\n"));
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("-- asm and -- raw disagree: actual raw program\nmov %r0, 1\nexit\n"
                + "vs expected the -- asm program\nmov %r0, 2\nexit\n"), e.getMessage());
    }

    @Test
    void aRawProgramTheSyntaxCannotSayIsShownAsHex() {
        ConformanceFormatException e = assertThrows(ConformanceFormatException.class,
                () -> parse("-- asm\nlddw %r1, 3\n-- raw\n18 11 00 00 03 00 00 00 00 00 00 00 00 00 00 00\n"
                        + "-- result\n3\n"));
        assertTrue(e.getMessage().contains("actual raw program\n18 11 00 00 03 00 00 00\n00 00 00 00 00 00 00 00\n"
                + "vs expected the -- asm program\nlddw %r1, 3\n"), e.getMessage());
    }

    @Test
    void rawIsDecodedSoBadBytesAreADecodeException() {
        DecodeException reserved = assertThrows(DecodeException.class,
                () -> parse("-- raw\nb7 10 00 00 01 00 00 00\n-- error\n"));
        assertTrue(reserved.getMessage().contains("reserved field src of 0xb7"), reserved.getMessage());
        DecodeException shortProgram = assertThrows(DecodeException.class, () -> parse("-- raw\n95 00 00\n-- result\n0"));
        assertTrue(shortProgram.getMessage().contains("actual 3 bytes vs expected a multiple of 8"),
                shortProgram.getMessage());
    }

    @Test
    void asmErrorsNameTheFileAndItsLine() {
        AssemblyException e = assertThrows(AssemblyException.class,
                () -> parse("# header\n-- asm\nmov %r0, 1\n\nmov %r0, %r12\nexit\n-- result\n1\n"));
        assertEquals(5, e.line());
        assertEquals("t.data:5: Invalid register: actual '%r12' vs expected %r0..%r10", e.getMessage());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
            # file (\\n between lines)                             | line | message fragment
            -- asm\\nexit\\n-- output\\n0                         | 3 | unknown directive: actual '-- output' vs expected one of -- asm, -- raw
            -- asm\\nexit\\n-- result\\n0\\n-- asm\\nexit          | 5 | section -- asm repeated: actual a second one vs expected one (first at line 1)
            exit\\n-- asm\\nexit\\n-- result\\n0                  | 1 | text before the first section: actual 'exit'
            # nothing\\n-- result\\n0                             | 0 | no instructions: actual neither a -- asm nor a -- raw section
            -- asm\\nexit                                         | 0 | no expected outcome: actual neither a -- result nor an -- error section
            -- asm\\nexit\\n-- result\\n0\\n-- error\\nBad        | 5 | two expected outcomes: actual both -- result and -- error
            -- asm\\n# only a comment\\n-- result\\n0             | 1 | no instructions: actual an empty -- asm section vs expected at least one instruction
            -- raw\\n-- result\\n0                                | 1 | no instructions: actual an empty -- raw section
            -- asm\\nexit\\n-- result\\n0\\n1                     | 3 | -- result: actual 2 values vs expected 1
            -- asm\\nexit\\n-- result\\n0xZZ                      | 4 | -- result: actual '0xZZ' vs expected a 64-bit number
            -- asm\\nexit\\n-- result\\n0x10000000000000000       | 4 | -- result: actual '0x10000000000000000'
            -- asm\\nexit\\n-- result\\n18446744073709551616      | 4 | -- result: actual '18446744073709551616'
            -- asm\\nexit\\n-- error\\none\\ntwo                  | 5 | -- error: actual 2 lines vs expected one line of text (or none)
            -- asm\\nexit\\n-- mem\\n00 0x11\\n-- result\\n0      | 4 | -- mem: actual '0x11' vs expected a byte of two hex digits
            -- raw\\n95 00 00 00 00 00 00 0g\\n-- result\\n0      | 2 | -- raw: actual '0g' vs expected a byte of two hex digits (07) or a 64-bit slot
            -- raw\\n0x95\\n95 00 00 00 00 00 00 00\\n-- result\\n0 | 3 | -- raw mixes shapes: actual '95' vs expected 64-bit slots (0x...) only
            -- raw\\n0x11223344556677889\\n-- result\\n0          | 2 | -- raw: actual '0x11223344556677889'
            """)
    void malformedFilesAreRefusedWithFileAndLine(String text, int line, String fragment) {
        ConformanceFormatException e = assertThrows(ConformanceFormatException.class,
                () -> parse(text.replace("\\n", "\n")));
        assertEquals(line, e.line(), e.getMessage());
        assertEquals("t.data", e.file());
        assertTrue(e.getMessage().startsWith("t.data" + (line > 0 ? ":" + line : "") + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> "actual '" + e.getMessage() + "' vs expected '" + fragment + "'");
    }

    @Test
    void crlfLineEndings() {
        ConformanceTest t = parse("-- asm\r\nmov %r0, 3\r\nexit\r\n-- result\r\n0x3\r\n");
        assertEquals(OptionalLong.of(3), t.expectedResult());
        assertEquals(2, t.program().size());
    }

    @Test
    void readsFilesAndListsADirectory(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("b.data"), "-- asm\nexit\n-- result\n0\n");
        Files.writeString(dir.resolve("a.data"), "-- asm\nmov %r0, 1\nexit\n-- result\n1\n");
        Files.writeString(dir.resolve("notes.txt"), "not a test");
        Files.createDirectory(dir.resolve("dir.data"));
        assertEquals(List.of(dir.resolve("a.data"), dir.resolve("b.data")), ConformanceFile.list(dir));
        assertEquals("a", ConformanceFile.parse(dir.resolve("a.data")).name());
    }

    @Test
    void theRecordCopiesItsMemoryAndNeedsExactlyOneOutcome() {
        byte[] mem = {1, 2};
        ConformanceTest t = new ConformanceTest("x", List.of(Asm.exit()), mem, OptionalLong.of(0), Optional.empty());
        mem[0] = 9;
        assertArrayEquals(new byte[] {1, 2}, t.memory());
        assertNotSame(t.memory(), t.memory());
        assertEquals(t, new ConformanceTest("x", List.of(Asm.exit()), new byte[] {1, 2}, OptionalLong.of(0),
                Optional.empty()));

        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> new ConformanceTest("x",
                List.of(Asm.exit()), new byte[0], OptionalLong.of(0), Optional.of("e")));
        assertTrue(both.getMessage().contains("actual both a result and an error vs expected exactly one"));
        assertThrows(IllegalArgumentException.class, () -> new ConformanceTest("x", List.of(Asm.exit()), new byte[0],
                OptionalLong.empty(), Optional.empty()));
    }
}
