package dev.bpftime.benchmarks.vm;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.InstructionEncoder;
import dev.bpftime.jit.JitCompiler;
import dev.bpftime.jit.JitImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The image file the native harness reads (benchmarks/src/main/c/jit_image.h), and what the step refuses. */
class JitImagesTest {

    private final JitCompiler compiler = new JitCompiler();

    @Test
    void fileIsMagicEntryOffsetCodeSizeThenTheCode() {
        byte[] text = InstructionEncoder.encode(assemble(mov64(R0, 7), exit()));
        JitImage image = JitImages.compile(compiler, text, "seven.bin");
        byte[] file = JitImages.write(image);
        ByteBuffer header = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);

        assertArrayEquals("BPFTJIT1".getBytes(java.nio.charset.StandardCharsets.US_ASCII), Arrays.copyOf(file, 8));
        assertEquals(image.entryOffset(), header.getInt(8));
        assertEquals(image.code().length, header.getInt(12));
        assertArrayEquals(image.code(), Arrays.copyOfRange(file, 16, file.length));
    }

    @Test
    void aProgramThatCallsAHelperIsRefusedWithItsRelocation() {
        byte[] text = InstructionEncoder.encode(assemble(call(5), exit()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JitImages.compile(compiler, text, "calls.bin"));
        assertTrue(e.getMessage().startsWith("calls.bin: relocations: actual [HELPER_TABLE"), e.getMessage());
        assertTrue(e.getMessage().endsWith("vs expected none (a VM suite program calls no helper and uses no map)"),
                e.getMessage());
    }
}
