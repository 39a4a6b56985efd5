package dev.bpftime.isa.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionDecoder;
import dev.bpftime.isa.InstructionEncoder;
import dev.bpftime.isa.asm.Assembler;
import dev.bpftime.isa.asm.ConformanceSyntax;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file of ../shared/conformance/tests parses, its program is valid for the decoder, and it
 * round-trips byte for byte: assemble, encode, decode, print, assemble, encode.
 */
class PositiveCorpusTest {

    @TestFactory
    Stream<DynamicTest> everyTestFileParsesAndRoundTrips() {
        return SharedCorpus.files("tests").stream()
                .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> roundTrip(p)));
    }

    private static void roundTrip(Path file) throws IOException {
        ConformanceTest test = ConformanceFile.parse(file);
        String name = file.getFileName().toString();
        assertEquals(name.substring(0, name.length() - ".data".length()), test.name());
        assertFalse(test.program().isEmpty(), "no instructions in " + name);
        assertTrue(test.expectedResult().isPresent(), name + " is a positive test: it must expect a result");

        byte[] bytes = InstructionEncoder.encode(test.program());
        List<Instruction> decoded = InstructionDecoder.decode(bytes);
        assertEquals(test.program(), decoded, "decode(encode(program)) of " + name);

        String text = ConformanceSyntax.print(decoded);
        List<Instruction> again = Assembler.assemble(text);
        assertArrayEquals(bytes, InstructionEncoder.encode(again), () -> "round trip of " + name + " through\n" + text);
    }
}
