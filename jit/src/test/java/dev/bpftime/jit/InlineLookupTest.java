package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.PseudoSource;
import dev.bpftime.isa.Size;
import dev.bpftime.jit.run.ExecutableImage;
import dev.bpftime.jit.run.JvmHelperTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * bpf_map_lookup_elem on an ARRAY the loader described is inlined (array_map_gen_lookup): the same
 * program compiled with the descriptor and without it (then calling a helper that looks up the same
 * layout) must give the same pointer for every key, in range or not, and the inlined image must have no
 * helper call left. Where the map in r1 is not certain, the call stays.
 */
class InlineLookupTest {

    private static final int FD = 7;
    private static final int INDEX = 2;

    /** One array: its values at {@code values}, {@code stride} apart, {@code maxEntries} of them. */
    private record Array(long values, long stride, int maxEntries) {
        long lookup(long keyAddress) {
            int key = new Pointer(keyAddress).getInt(0);
            return Integer.compareUnsigned(key, maxEntries) < 0 ? values + Integer.toUnsignedLong(key) * stride : 0;
        }
    }

    private static JitOptions describing(JitOptions.MapDescriptor d) {
        return JitOptions.DEFAULT.withMaps((kind, key) -> (kind == Relocation.Kind.MAP_FD && key == FD)
                || (kind == Relocation.Kind.MAP_IDX && key == INDEX) ? Optional.of(d) : Optional.empty());
    }

    /** r0 = lookup(map, &key) with the key stored at r10 - 4, the map loaded as {@code ldMap}. */
    private static List<Instruction> lookupOf(int key, Instruction ldMap) {
        return assemble(st(Size.W, R10, -4, key), mov64(R2, R10), add64(R2, -4), ldMap, call(1), exit());
    }

    private static long run(JitImage image, Array array, long mapAddress) {
        JvmHelperTable.Helper lookup = (r1, r2, r3, r4, r5) -> r1 == mapAddress ? array.lookup(r2) : -1;
        JitLinker.MapAddresses maps = (kind, key) -> switch (kind) {
            case MAP_FD, MAP_IDX -> OptionalLong.of(mapAddress);
            case MAP_VALUE, MAP_IDX_VALUE -> OptionalLong.of(array.values());
            default -> OptionalLong.empty();
        };
        try (JvmHelperTable helpers = new JvmHelperTable(16, Map.of(1, lookup));
                ExecutableImage code = ExecutableImage.load(image, helpers.linker(maps))) {
            return code.run(0, 0);
        }
    }

    private static boolean calls(JitImage image) {
        return image.relocations().stream().anyMatch(r -> r.kind() == Relocation.Kind.HELPER_TABLE);
    }

    @Test
    void inlinedLookupsGiveWhatTheHelperGivesForEveryKey() {
        Random random = new Random(0x100c);
        JitCompiler compiler = new JitCompiler();
        int[] valueSizes = {1, 4, 8, 12, 16, 24, 100, 4096};
        int[] maxEntries = {1, 2, 3, 64, 1000, Integer.MAX_VALUE, -1};
        int compared = 0;
        try (Memory values = new Memory(64); Memory map = new Memory(64)) {
            for (int valueSize : valueSizes) {
                for (int entries : maxEntries) {
                    JitOptions.MapDescriptor d = new JitOptions.MapDescriptor(JitOptions.MAP_TYPE_ARRAY, 4, valueSize,
                            entries);
                    Array array = new Array(Pointer.nativeValue(values), d.valueStride(), entries);
                    List<Integer> keys = new ArrayList<>(List.of(0, 1, entries - 1, entries, entries + 1, -1, -2,
                            Integer.MIN_VALUE, Integer.MAX_VALUE));
                    for (int i = 0; i < 6; i++) {
                        keys.add(random.nextInt());
                    }
                    for (int key : keys) {
                        for (Instruction ldMap : List.of(ldMapFd(R1, FD), ldImm64(R1, PseudoSource.MAP_IDX, INDEX))) {
                            List<Instruction> program = lookupOf(key, ldMap);
                            JitImage inlined = compiler.compile(program, describing(d));
                            JitImage called = compiler.compile(program);
                            assertFalse(calls(inlined), "inlined: " + inlined.relocations());
                            assertTrue(calls(called));
                            long expected = array.lookup(keyAddress(key));
                            assertEquals(expected, run(inlined, array, Pointer.nativeValue(map)),
                                    "key " + Integer.toUnsignedString(key) + " in " + d);
                            assertEquals(expected, run(called, array, Pointer.nativeValue(map)));
                            compared++;
                        }
                    }
                }
            }
        }
        assertTrue(compared >= 800, "compared " + compared);
    }

    private static long keyAddress(int key) {
        Memory m = KEY.get();
        m.setInt(0, key);
        return Pointer.nativeValue(m);
    }

    private static final ThreadLocal<Memory> KEY = ThreadLocal.withInitial(() -> new Memory(8));

    @Test
    void theValueAddressIsTheArraysAndWritesLandInIt() {
        JitOptions.MapDescriptor d = new JitOptions.MapDescriptor(JitOptions.MAP_TYPE_ARRAY, 4, 12, 4);
        List<AsmItem> items = List.of(st(Size.W, R10, -4, 3), mov64(R2, R10), add64(R2, -4), ldMapFd(R1, FD),
                call(1), jump(JumpOp.JEQ, R0, 0, "out"), st(Size.DW, R0, 0, 0x5a5a), label("out"), exit());
        JitImage image = new JitCompiler().compile(assemble(items), describing(d));
        assertEquals(List.of(Relocation.Kind.MAP_FD, Relocation.Kind.MAP_VALUE),
                image.relocations().stream().map(Relocation::kind).toList());
        try (Memory values = new Memory(64)) {
            values.clear();
            Array array = new Array(Pointer.nativeValue(values), 16, 4);
            assertEquals(Pointer.nativeValue(values) + 48, run(image, array, 0x1000));
            assertEquals(0x5a5a, values.getLong(48));
        }
    }

    @Test
    void theCallStaysWhereTheMapIsNotCertainOrNotAnArray() {
        JitOptions.MapDescriptor array = new JitOptions.MapDescriptor(JitOptions.MAP_TYPE_ARRAY, 4, 8, 2);
        JitOptions.MapDescriptor hash = new JitOptions.MapDescriptor(1, 4, 8, 2);
        JitCompiler compiler = new JitCompiler();
        // Through a register move, and with the same map on both paths: inlined.
        assertFalse(calls(compiler.compile(assemble(ldMapFd(R6, FD), mov64(R2, R10), add64(R2, -4),
                st(Size.W, R10, -4, 0), mov64(R1, R6), call(1), exit()), describing(array))));
        assertFalse(calls(compiler.compile(assemble(st(Size.W, R10, -4, 0), mov64(R2, R10), add64(R2, -4),
                jump(JumpOp.JEQ, R3, 0, "b"), ldMapFd(R1, FD), ja("c"), label("b"), ldMapFd(R1, FD), label("c"),
                call(1), exit()), describing(array))));
        // Different maps on two paths, a call in between, a value pointer, a hash, an unknown fd: the call stays.
        assertTrue(calls(compiler.compile(assemble(st(Size.W, R10, -4, 0), mov64(R2, R10), add64(R2, -4),
                jump(JumpOp.JEQ, R3, 0, "b"), ldMapFd(R1, FD), ja("c"), label("b"), ldMapFd(R1, FD + 1), label("c"),
                call(1), exit()), describing(array))));
        assertTrue(calls(compiler.compile(assemble(ldMapFd(R1, FD), call(5), mov64(R2, R10), add64(R2, -4),
                call(1), exit()), describing(array))));
        assertTrue(calls(compiler.compile(assemble(ldMapValue(R1, FD, 0), mov64(R2, R10), add64(R2, -4),
                call(1), exit()), describing(array))));
        assertTrue(calls(compiler.compile(assemble(ldMapFd(R1, FD), mov64(R2, R10), add64(R2, -4), call(1), exit()),
                describing(hash))));
        assertTrue(calls(compiler.compile(assemble(ldMapFd(R1, FD + 1), mov64(R2, R10), add64(R2, -4), call(1),
                exit()), describing(array))));
    }

    /**
     * A lookup in an ARRAY_OF_MAPS returns the inner map, not a value (the kernel inlines it with its own
     * array_of_map_gen_lookup, which dereferences the slot): it keeps the helper call, and so does the
     * lookup in the inner map, whose pointer comes from r0, not from a map reference.
     */
    @Test
    void aMapOfMapsAndItsInnerMapKeepTheCall() {
        JitOptions.MapDescriptor arrayOfMaps = new JitOptions.MapDescriptor(12, 4, 4, 2);
        JitCompiler compiler = new JitCompiler();
        assertTrue(calls(compiler.compile(assemble(st(Size.W, R10, -4, 0), ldMapFd(R1, FD), mov64(R2, R10),
                add64(R2, -4), call(1), exit()), describing(arrayOfMaps))));
        JitOptions.MapDescriptor array = new JitOptions.MapDescriptor(JitOptions.MAP_TYPE_ARRAY, 4, 8, 2);
        JitImage twoLookups = compiler.compile(assemble(st(Size.W, R10, -4, 0), ldMapFd(R1, FD), mov64(R2, R10),
                add64(R2, -4), call(1), jump(JumpOp.JEQ, R0, 0, "out"), mov64(R1, R0), mov64(R2, R10), add64(R2, -4),
                call(1), label("out"), exit()), describing(array));
        assertTrue(calls(twoLookups), "the inner lookup's r1 is no map reference: it keeps its call");
    }
}
