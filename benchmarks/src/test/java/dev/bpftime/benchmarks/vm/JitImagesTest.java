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
import dev.bpftime.jit.JitOptions;
import dev.bpftime.jit.Relocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
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

    @Test
    void aMapProgramKeepsItsRelocationsAndItsArrayLookupIsInlined(@TempDir Path dir) throws IOException {
        Path maps = dir.resolve("p.maps");
        Files.writeString(maps, "3 2 4 8 2\n");
        JitOptions options = JitOptions.DEFAULT.withMaps(JitImages.readMaps(maps));
        JitImage image = compiler.compile(assemble(st(dev.bpftime.isa.Size.W, R10, -4, 0), mov64(R2, R10),
                add64(R2, -4), ldMapFd(R1, 3), call(1), exit()), options);
        byte[] file = JitImages.writeLinked(image);
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);

        assertArrayEquals("BPFTJIT2".getBytes(java.nio.charset.StandardCharsets.US_ASCII), Arrays.copyOf(file, 8));
        int size = b.getInt(12);
        assertEquals(image.entryOffset(), b.getInt(8));
        assertEquals(2, b.getInt(16));
        assertEquals(24 + size + 2 * 24, file.length);
        // The lddw's map address, then the inlined lookup's values address: no helper call is left.
        int at = 24 + size;
        assertEquals(Relocation.Kind.MAP_FD.ordinal(), b.getInt(at + 4));
        assertEquals(3, b.getInt(at + 8));
        assertEquals(8, b.getInt(at + 12));
        assertEquals(Relocation.Kind.MAP_VALUE.ordinal(), b.getInt(at + 24 + 4));
        assertEquals(0L, b.getLong(at + 24 + 16));
    }

    @Test
    void aMalformedMapsLineIsRefusedWithItsFile(@TempDir Path dir) throws IOException {
        Path maps = dir.resolve("bad.maps");
        Files.writeString(maps, "3 2 4 8\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JitImages.readMaps(maps));
        assertTrue(e.getMessage().endsWith("bad.maps: line \"3 2 4 8\": actual 4 fields vs expected 5 (fd type key_size "
                + "value_size max_entries)"), e.getMessage());
    }
}
