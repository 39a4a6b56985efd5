package dev.bpftime.compat.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Ids as idr_alloc_cyclic gives them, per kind; references and freeing. */
class ObjectTableTest {

    private static final class Thing extends BpfObject {
        boolean freed;

        Thing(ObjectKind kind) {
            super(kind);
        }

        @Override
        protected void free() {
            freed = true;
        }
    }

    @Test
    void idsIncreaseAndAreNotReusedSoon() {
        ObjectTable t = new ObjectTable();
        Thing a = t.register(new Thing(ObjectKind.PROG));
        Thing b = t.register(new Thing(ObjectKind.PROG));
        Thing m = t.register(new Thing(ObjectKind.MAP));
        assertEquals(1, a.id());
        assertEquals(2, b.id());
        assertEquals(1, m.id(), "each kind has its own ids");
        a.release();
        assertEquals(3, t.register(new Thing(ObjectKind.PROG)).id(), "cyclic: 1 is not given again at once");
    }

    @Test
    void theLastReleaseFrees() {
        ObjectTable t = new ObjectTable();
        Thing a = t.register(new Thing(ObjectKind.PROG));
        int id = a.id();
        a.retain();
        a.release();
        assertTrue(t.byId(ObjectKind.PROG, id).isPresent());
        assertFalse(a.freed);
        a.release();
        assertTrue(t.byId(ObjectKind.PROG, id).isEmpty());
        assertTrue(a.freed);
        assertEquals(0, a.id());
        assertThrows(IllegalStateException.class, a::release);
        assertThrows(IllegalStateException.class, a::retain);
    }

    @Test
    void nextIdWalksUpward() {
        ObjectTable t = new ObjectTable();
        t.register(new Thing(ObjectKind.PROG));
        Thing two = t.register(new Thing(ObjectKind.PROG));
        t.register(new Thing(ObjectKind.PROG));
        two.release();
        assertEquals(OptionalInt.of(1), t.idAtOrAfter(ObjectKind.PROG, 1));
        assertEquals(OptionalInt.of(3), t.idAtOrAfter(ObjectKind.PROG, 2));
        assertEquals(OptionalInt.empty(), t.idAtOrAfter(ObjectKind.PROG, 4));
        assertEquals(OptionalInt.empty(), t.idAtOrAfter(ObjectKind.MAP, 0));
    }
}
