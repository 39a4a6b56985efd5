package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bpftime.isa.Size;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The file form of an image: every field survives the round trip, and each wrong field is named. */
class JitImageFileTest {

    /** Helpers, a map value, a local call and a tail call: every header field has a non-default value. */
    private static JitImage sample() {
        return new JitCompiler().compile(assemble(st(Size.W, R10, -4, 0), ldMapValue(R6, 3, 16), call(5),
                mov64(R1, R6), call(14), callLocal("f"), exit(), label("f"), mov64(R0, 1), exit()));
    }

    private static JitImage sampleWithTailCall() {
        return new JitCompiler().compile(assemble(ldMapFd(R2, 4), mov64(R3, 0), call(12), mov64(R0, 0), exit()));
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        for (JitImage image : List.of(sample(), sampleWithTailCall())) {
            JitImage back = JitImageFile.read(JitImageFile.write(image), "sample.jit");
            assertArrayEquals(image.code(), back.code());
            assertEquals(image.relocations(), back.relocations());
            assertEquals(image.entryOffset(), back.entryOffset());
            assertEquals(image.tailCallEntryOffset(), back.tailCallEntryOffset());
            assertEquals(image.frames(), back.frames());
            assertEquals(image.stackBytes(), back.stackBytes());
            assertEquals(image.helperIds(), back.helperIds());
        }
    }

    @Test
    void theHeaderIsLaidOutAsDocumented() {
        JitImage image = sample();
        byte[] file = JitImageFile.write(image);
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int relocations = image.relocations().size();
        int helpers = image.helperIds().size();

        assertArrayEquals("BPFTJIMG".getBytes(java.nio.charset.StandardCharsets.US_ASCII), Arrays.copyOf(file, 8));
        assertEquals(List.of(1, 48, image.code().length, image.entryOffset(), image.tailCallEntryOffset(),
                image.frames(), image.stackBytes(), relocations, helpers, 0), List.of(b.getInt(8), b.getInt(12),
                b.getInt(16), b.getInt(20), b.getInt(24), b.getInt(28), b.getInt(32), b.getInt(36), b.getInt(40),
                b.getInt(44)));
        Relocation first = image.relocations().get(0);
        assertEquals(List.of(first.offset(), first.kind().ordinal(), first.key(), first.slot()),
                List.of(b.getInt(48), b.getInt(52), b.getInt(56), b.getInt(60)));
        assertEquals(first.addend(), b.getLong(64));
        int helpersAt = 48 + 24 * relocations;
        assertEquals(List.copyOf(image.helperIds()), List.of(b.getInt(helpersAt), b.getInt(helpersAt + 4)));
        assertArrayEquals(image.code(), Arrays.copyOfRange(file, helpersAt + 4 * helpers, file.length));
    }

    @Test
    void aShortFileIsRefused() {
        refused(Arrays.copyOf(JitImageFile.write(sample()), 20), "x.jit: header: actual 20 bytes vs expected at least 48");
    }

    @Test
    void anotherMagicIsRefusedShowingIt() {
        refused(edit(b -> b.put(7, (byte) '2').put(6, (byte) 'T').put(4, (byte) 'J').put(5, (byte) 'I')),
                "x.jit: magic: actual \"BPFTJIT2\" vs expected \"BPFTJIMG\" (a JIT image file)");
        refused(edit(b -> b.put(0, (byte) 0x7f)), "x.jit: magic: actual \"\\x7fPFTJIMG\" vs expected \"BPFTJIMG\" (a JIT "
                + "image file)");
    }

    @Test
    void anotherVersionOrHeaderSizeIsRefused() {
        refused(edit(b -> b.putInt(8, 2)), "x.jit: version: actual 2 vs expected 1");
        refused(edit(b -> b.putInt(12, 56)), "x.jit: header size: actual 56 vs expected 48");
    }

    @Test
    void countsThatDisagreeWithTheLengthAreRefused() {
        JitImage image = sample();
        int code = image.code().length;
        int relocations = image.relocations().size();
        refused(edit(b -> b.putInt(36, relocations + 1)), "x.jit: size: actual " + JitImageFile.write(image).length
                + " bytes vs expected " + (48 + 24 * (relocations + 1) + 8 + code) + " (48 + 24 x " + (relocations + 1)
                + " relocations + 4 x 2 helper ids + " + code + " bytes of code, at least 1)");
        refused(edit(b -> b.putInt(16, -1)), "x.jit: size: actual " + JitImageFile.write(image).length
                + " bytes vs expected " + (48 + 24L * relocations + 8 + 0xffffffffL) + " (48 + 24 x " + relocations
                + " relocations + 4 x 2 helper ids + 4294967295 bytes of code, at least 1)");
    }

    @Test
    void offsetsOutsideTheCodeAreRefused() {
        assertEquals(Relocation.Kind.MAP_VALUE, sample().relocations().get(0).kind());
        int code = sample().code().length;
        refused(edit(b -> b.putInt(20, code)), "x.jit: entry offset: actual 1 bytes at " + code
                + " vs expected inside the " + code + " bytes of code");
        refused(edit(b -> b.putInt(24, -1)), "x.jit: tail-call entry offset: actual 1 bytes at 4294967295"
                + " vs expected inside the " + code + " bytes of code");
        refused(edit(b -> b.putInt(48, code - 4)), "x.jit: relocation 0 (MAP_VALUE): actual 8 bytes at " + (code - 4)
                + " vs expected inside the " + code + " bytes of code");
    }

    @Test
    void anUnknownRelocationKindIsRefused() {
        refused(edit(b -> b.putInt(48 + 24 + 4, 6)), "x.jit: relocation 1: kind: actual 6 vs expected 0 to 5 "
                + "(Relocation.Kind)");
    }

    private static byte[] edit(Consumer<ByteBuffer> change) {
        byte[] file = JitImageFile.write(sample());
        change.accept(ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN));
        return file;
    }

    private static void refused(byte[] file, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JitImageFile.read(file, "x.jit"));
        assertEquals(message, e.getMessage());
    }
}
