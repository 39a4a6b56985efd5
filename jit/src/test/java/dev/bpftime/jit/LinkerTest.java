package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.PseudoSource;
import dev.bpftime.isa.Size;
import dev.bpftime.jit.run.ExecutableImage;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Relocations: map references and the helper table are filled per process; the code is otherwise fixed. */
class LinkerTest {

    @Test
    void mapReferencesOfEveryKindResolveToTheirAddresses() {
        try (Memory map = new Memory(64); Memory value = new Memory(64)) {
            map.setLong(0, 11);
            value.setLong(16, 22);
            value.setLong(0, 33);
            long mapAt = Pointer.nativeValue(map);
            long valueAt = Pointer.nativeValue(value);
            JitLinker.MapAddresses maps = (kind, key) -> switch (kind) {
                case MAP_FD -> key == 4 ? OptionalLong.of(mapAt) : OptionalLong.empty();
                case MAP_IDX -> key == 0 ? OptionalLong.of(mapAt) : OptionalLong.empty();
                case MAP_VALUE -> key == 5 ? OptionalLong.of(valueAt) : OptionalLong.empty();
                case MAP_IDX_VALUE -> key == 1 ? OptionalLong.of(valueAt) : OptionalLong.empty();
                default -> OptionalLong.empty();
            };
            List<Instruction> program = assemble(
                    ldMapFd(R1, 4), ldx(Size.DW, R0, R1, 0), // 11
                    ldMapValue(R1, 5, 16), ldx(Size.DW, R2, R1, 0), add64(R0, R2), // + 22
                    ldImm64(R1, PseudoSource.MAP_IDX, 0), ldx(Size.DW, R2, R1, 0), add64(R0, R2), // + 11
                    ldImm64(R1, PseudoSource.MAP_IDX_VALUE, 1), ldx(Size.DW, R2, R1, 0), add64(R0, R2), // + 33
                    exit());
            JitImage image = new JitCompiler().compile(program);
            assertEquals(List.of("MAP_FD 4 at code offset", "MAP_VALUE 5+16 at code offset", "MAP_IDX 0 at code offset",
                    "MAP_IDX_VALUE 1 at code offset"), image.relocations().stream()
                    .map(r -> r.toString().replaceAll(" \\d+ \\(instruction \\d+\\)$", "")).toList());
            try (ExecutableImage code = ExecutableImage.load(image, TestNative.linker(maps))) {
                assertEquals(11 + 22 + 11 + 33, code.run(0, 0));
            }
        }
    }

    @Test
    void unresolvedMapIsRefusedNamingTheInstruction() {
        JitImage image = new JitCompiler().compile(assemble(mov64(R0, 0), ldMapFd(R1, 9), exit()));
        JitException e = assertThrows(JitException.class, () -> TestNative.linker().link(image));
        assertEquals("at instruction 1: unresolved MAP_FD 9 at code offset " + image.relocations().get(0).offset()
                + " (instruction 1): actual no address for MAP_FD 9 vs expected a map", e.getMessage());
    }

    @Test
    void helperOutsideTheTableIsRefused() {
        JitImage image = new JitCompiler().compile(assemble(mov64(R0, 0), call(1), call(40), exit()));
        assertEquals(List.of(1, 40), List.copyOf(image.helperIds()));
        JitException e = assertThrows(JitException.class, () -> new JitLinker(0x1000, 16, JitLinker.MapAddresses.NONE)
                .link(image));
        assertEquals("at instruction 2: helper 40 is not in the helper table: actual 16 entries vs expected more than 40",
                e.getMessage());
    }

    @Test
    void linkingChangesOnlyTheRelocatedBytes() {
        JitImage image = new JitCompiler().compile(assemble(ldMapFd(R1, 1), call(1), alu64(AluOp.ADD, R0, R1),
                exit()));
        JitLinker.MapAddresses maps = (kind, key) -> OptionalLong.of(0x1122334455667788L);
        byte[] a = new JitLinker(0xaaaaaaaaaaaaL, 16, maps).link(image);
        byte[] b = new JitLinker(0xbbbbbbbbbbbbL, 16, maps).link(image);
        byte[] code = image.code();
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
        for (Relocation r : image.relocations()) {
            for (int i = 0; i < r.kind().width(); i++) {
                a[r.offset() + i] = b[r.offset() + i] = code[r.offset() + i];
            }
        }
        assertArrayEquals(code, a);
        assertArrayEquals(code, b);
        assertEquals(0x1122334455667788L, java.nio.ByteBuffer.wrap(new JitLinker(0, 16, maps).link(image),
                image.relocations().get(0).offset(), 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
    }
}
