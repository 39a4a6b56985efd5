package dev.bpftime.isa.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionDecoder;
import dev.bpftime.isa.InstructionEncoder;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every form of the syntax assembles to the bytes RFC 9669 gives, and prints back to the same bytes. */
class AssemblerFormsTest {

    static Stream<FormTable.Row> rows() {
        return FormTable.ROWS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void assemblesToTheRfcBytes(FormTable.Row row) {
        assertEquals(row.hex(), Hex.spaced(InstructionEncoder.encode(Assembler.assemble(row.conformance()))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decodedBytesPrintBackToTheSameBytes(FormTable.Row row) {
        List<Instruction> decoded = InstructionDecoder.decode(Hex.bytes(row.hex()));
        String printed = ConformanceSyntax.print(decoded);
        assertEquals(row.hex(), Hex.spaced(InstructionEncoder.encode(Assembler.assemble(printed))), printed);
    }

    @Test
    void tableCoversEveryMnemonicAndAtomic() {
        Set<String> untested = new TreeSet<>();
        for (String mnemonic : Mnemonics.all().keySet()) {
            if (FormTable.ROWS.stream().noneMatch(r -> firstWord(r.conformance()).equals(mnemonic))) {
                untested.add(mnemonic);
            }
        }
        for (String atomic : Mnemonics.atomicNames()) {
            if (FormTable.ROWS.stream().noneMatch(r -> r.conformance().matches("lock (fetch )?" + atomic + " .*"))) {
                untested.add("lock " + atomic);
            }
        }
        assertEquals(Set.of(), untested, "mnemonics without a row in FormTable");
    }

    private static String firstWord(String s) {
        return s.split(" ", 2)[0];
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # program (\\n between lines)                                    | expected bytes
            ja L\\nlddw %r0, 1\\nL:\\nexit                                      | 05 00 02 00 00 00 00 00 18 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 95 00 00 00 00 00 00 00
            L:\\nmov %r0, 0\\nja L                                             | b7 00 00 00 00 00 00 00 05 00 fe ff 00 00 00 00
            jeq %r1, 0, exit\\nmov %r0, 1\\nexit\\nmov %r0, 2\\nexit           | 15 01 01 00 00 00 00 00 b7 00 00 00 01 00 00 00 95 00 00 00 00 00 00 00 b7 00 00 00 02 00 00 00 95 00 00 00 00 00 00 00
            mov %r0, 1\\nexit\\njne %r1, 0, exit                               | b7 00 00 00 01 00 00 00 95 00 00 00 00 00 00 00 55 01 fe ff 00 00 00 00
            ja exit\\nexit\\nexit:\\nexit                                      | 05 00 01 00 00 00 00 00 95 00 00 00 00 00 00 00 95 00 00 00 00 00 00 00
            call local f\\nexit\\nf:\\nmov %r0, 1\\nexit                       | 85 10 00 00 01 00 00 00 95 00 00 00 00 00 00 00 b7 00 00 00 01 00 00 00 95 00 00 00 00 00 00 00
            ja32 done\\nmov %r0, 1\\ndone: exit                                | 06 00 00 00 01 00 00 00 b7 00 00 00 01 00 00 00 95 00 00 00 00 00 00 00
            a:\\nb: ja a                                                      | 05 00 ff ff 00 00 00 00
            jsgt %r1, -0x10, .L_1.x\\n.L_1.x:\\nexit                          | 65 01 00 00 f0 ff ff ff 95 00 00 00 00 00 00 00
              mov %r0 , 1   # spaces and a comment\\n\\n# only a comment\\nexit | b7 00 00 00 01 00 00 00 95 00 00 00 00 00 00 00
            stxdw [ %r10 - 8 ], %r1\\nldxdw %r0, [%r10+ 0x10]                 | 7b 1a f8 ff 00 00 00 00 79 a0 10 00 00 00 00 00
            """)
    void labelsAndLayout(String program, String expected) {
        assertEquals(expected, Hex.spaced(InstructionEncoder.encode(Assembler.assemble(program.replace("\\n", "\n")))));
    }

    @Test
    void lineNumbersCountFromTheGivenFirstLine() {
        AssemblyException e = org.junit.jupiter.api.Assertions.assertThrows(AssemblyException.class,
                () -> Assembler.assemble(List.of("exit", "", "bogus %r1"), 10, "x.data"));
        assertEquals(12, e.line());
        assertEquals("x.data", e.source());
        assertTrue(e.getMessage().startsWith("x.data:12: Invalid mnemonic: actual 'bogus'"), e.getMessage());
    }
}
