package dev.bpftime.benchmarks.vm;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.InstructionEncoder;
import dev.bpftime.jit.JitCompiler;
import dev.bpftime.jit.JitImage;
import dev.bpftime.jit.JitImageFile;
import dev.bpftime.jit.JitOptions;
import dev.bpftime.jit.Relocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/** What the build step compiles for the harness, and what it refuses. */
class JitImagesTest {

    private final JitCompiler compiler = new JitCompiler();

    @Test
    void aSuiteProgramCompilesToAnImageWithoutRelocations() {
        byte[] text = InstructionEncoder.encode(assemble(mov64(R0, 7), exit()));
        JitImage image = JitImages.compile(compiler, text, "seven.bin");

        assertTrue(image.relocations().isEmpty());
        assertEquals(image.entryOffset(), JitImageFile.read(JitImageFile.write(image), "seven.jit").entryOffset());
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
        JitImage back = JitImageFile.read(JitImageFile.write(image), "p.jit");

        // The lddw's map address, then the inlined lookup's values address: no helper call is left.
        assertEquals(List.of(Relocation.Kind.MAP_FD, Relocation.Kind.MAP_VALUE),
                back.relocations().stream().map(Relocation::kind).toList());
        assertEquals(3, back.relocations().get(0).key());
        assertEquals(0L, back.relocations().get(1).addend());
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
