package dev.bpftime.agent.helpers;

import static dev.bpftime.isa.Asm.add64;
import static dev.bpftime.isa.Asm.call;
import static dev.bpftime.isa.Asm.exit;
import static dev.bpftime.isa.Asm.jump;
import static dev.bpftime.isa.Asm.label;
import static dev.bpftime.isa.Asm.lddw;
import static dev.bpftime.isa.Asm.ldx;
import static dev.bpftime.isa.Asm.mov64;
import static dev.bpftime.isa.Asm.st;
import static dev.bpftime.isa.Asm.stx;
import static dev.bpftime.isa.Register.R0;
import static dev.bpftime.isa.Register.R1;
import static dev.bpftime.isa.Register.R10;
import static dev.bpftime.isa.Register.R2;
import static dev.bpftime.isa.Register.R6;
import static dev.bpftime.isa.Register.R7;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.Asm;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * bpf_map_lookup_elem on an ARRAY_OF_MAPS and a HASH_OF_MAPS returns the inner map (the kernel's
 * array_of_map_lookup_elem() / htab_of_map_lookup_elem()), which the program passes to the map helpers,
 * on the interpreter and the JIT: the helper reads the slot's id and resolves it through the
 * resolver the control part sets (objects_map, ids of the maps the service sent), so a map put into
 * a slot after the program was loaded is found, and an id the process does not have is NULL.
 */
class MapOfMapsHelperTest {

    private static final HelpersLib LIB = HelpersLib.LIB;
    private static final int ARRAY = 2, ARRAY_OF_MAPS = 12, HASH_OF_MAPS = 13;

    /** The process's maps by id, as objects.c keeps them. */
    private final Map<Integer, Pointer> byId = new ConcurrentHashMap<>();
    private final HelpersLib.MapResolver resolver = id -> byId.get(id);
    private final List<Pointer> made = new ArrayList<>();

    @BeforeEach
    void setResolver() {
        LIB.bpftime_helpers_set_map_resolver(resolver);
    }

    @AfterEach
    void close() {
        LIB.bpftime_helpers_set_map_resolver(null);
        made.forEach(LIB::bpftime_map_close);
    }

    private Pointer map(int type, int valueSize, int maxEntries, int id, boolean known) {
        PointerByReference out = new PointerByReference();
        assertEquals(0, LIB.bpftime_map_create(type, 4, valueSize, maxEntries, 0, -1, id, 0, "m" + id, out));
        made.add(out.getValue());
        if (known) {
            byId.put(id, out.getValue());
        }
        return out.getValue();
    }

    private static byte[] u32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    /** r0 = *lookup(lookup(outer, key), 0) + 0, or -1 when the outer slot is empty, -2 the inner element. */
    private static long run(Engines e, Pointer outer, int key) {
        List<AsmItem> p = List.of(
                st(Size.W, R10, -4, key), st(Size.W, R10, -8, 0),
                lddw(R1, Pointer.nativeValue(outer)), mov64(R2, R10), add64(R2, -4), call(1),
                jump(JumpOp.JEQ, R0, 0, "no_inner"), mov64(R7, R0),
                mov64(R1, R7), mov64(R2, R10), add64(R2, -8), call(1),
                jump(JumpOp.JEQ, R0, 0, "no_value"),
                ldx(Size.DW, R6, R0, 0), Asm.alu64(AluOp.ADD, R6, 1), stx(Size.DW, R0, 0, R6), mov64(R0, R6), exit(),
                label("no_inner"), mov64(R0, -1), exit(),
                label("no_value"), mov64(R0, -2), exit());
        Memory ctx = new Memory(8);
        ctx.clear();
        return e.run(Asm.assemble(p), ctx, 8, null);
    }

    private static void set(Pointer array, long value) {
        byte[] v = new byte[8];
        for (int i = 0; i < 8; i++) {
            v[i] = (byte) (value >>> (8 * i));
        }
        assertEquals(0, LIB.bpftime_map_sys_update(array, u32(0), v, 0));
    }

    @ParameterizedTest
    @EnumSource(Engines.class)
    void arrayOfMapsGivesTheInnerMapToTheMapHelpers(Engines e) {
        Pointer template = map(ARRAY, 8, 1, 201, true);
        Pointer outer = map(ARRAY_OF_MAPS, 4, 4, 200, true);
        assertEquals(0, LIB.bpftime_map_set_inner_template(outer, template));
        Pointer a = map(ARRAY, 8, 1, 202, true);
        Pointer unknown = map(ARRAY, 8, 1, 203, false);
        set(a, 41);
        set(unknown, 7);
        assertEquals(-1, run(e, outer, 0), "empty slot");
        assertEquals(0, LIB.bpftime_map_of_maps_update(outer, u32(0), a, 0));
        assertEquals(42, run(e, outer, 0), "a map put into the slot after load");
        assertEquals(43, run(e, outer, 0), "the program wrote the inner map's value");
        assertEquals(-1, run(e, outer, 9), "out of range");
        assertEquals(0, LIB.bpftime_map_of_maps_update(outer, u32(1), unknown, 0));
        assertEquals(-1, run(e, outer, 1), "an id this process was not sent yet looks up as an empty slot");
        byId.put(203, unknown);
        assertEquals(8, run(e, outer, 1), "once sent it is found");
        assertEquals(0, LIB.bpftime_map_sys_delete(outer, u32(0)));
        assertEquals(-1, run(e, outer, 0), "deleted");
    }

    @ParameterizedTest
    @EnumSource(Engines.class)
    void hashOfMapsGivesTheInnerMapToTheMapHelpers(Engines e) {
        Pointer template = map(ARRAY, 8, 1, 211, true);
        Pointer outer = map(HASH_OF_MAPS, 4, 4, 210, true);
        assertEquals(0, LIB.bpftime_map_set_inner_template(outer, template));
        Pointer a = map(ARRAY, 8, 1, 212, true);
        Pointer bigger = map(ARRAY, 8, 2, 213, true);
        set(a, 99);
        assertEquals(-1, run(e, outer, 77), "missing key");
        assertEquals(0, LIB.bpftime_map_of_maps_update(outer, u32(77), a, 0));
        assertEquals(100, run(e, outer, 77));
        assertEquals(-22, LIB.bpftime_map_of_maps_update(outer, u32(78), bigger, 0), "not the template's shape");
        assertEquals(-1, run(e, outer, 78));
    }
}
