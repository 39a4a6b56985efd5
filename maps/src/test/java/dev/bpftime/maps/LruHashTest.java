package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

/** The kernel's LRU promise: an update on a full map evicts, never fails; used keys are kept. */
class LruHashTest {
    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(64L << 20));

    @Test
    void updatesOnAFullMapEvictInsteadOfFailing() {
        for (MapType type : new MapType[] {MapType.LRU_HASH, MapType.LRU_PERCPU_HASH}) {
            try (BpfMap m = factory.create(MapAttr.of(type, 4, 8, 128, 0))) {
                byte[] value = new byte[m.sysValueSize()];
                for (int i = 0; i < 10_000; i++) {
                    m.update(Bytes.u32(i), value, MapFlags.ANY);
                    assertTrue(m.lookup(Bytes.u32(i)).isPresent(), type + ": the key just inserted is there");
                }
                int count = m.count();
                assertTrue(count <= 128 && count > 64, type + ": " + count + " elements after 10000 inserts");
            }
        }
    }

    @Test
    void keysThatProgramsLookUpSurviveEviction() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.LRU_HASH, 4, 8, 256, 0))) {
            Pointer h = m.handle();
            for (int hot = 0; hot < 32; hot++) {
                m.update(Bytes.u32(hot), Bytes.u64(hot), MapFlags.ANY);
            }
            for (int i = 1000; i < 11_000; i++) {
                m.update(Bytes.u32(i), Bytes.u64(i), MapFlags.ANY);
                if (i % 16 == 0) {
                    for (int hot = 0; hot < 32; hot++) {
                        // a program's lookup sets the reference bit (bpf_lru_node_set_ref)
                        assertTrue(NativeMaps.bpftime_map_lookup_elem(h, Bytes.u32(hot)) != null, "hot key " + hot
                                + " evicted at insert " + i);
                    }
                }
            }
        }
    }

    @Test
    void syscallLookupsDoNotProtectFromEviction() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.LRU_HASH, 4, 8, 64, 0))) {
            m.update(Bytes.u32(-1), Bytes.u64(1), MapFlags.ANY);
            int survivedRounds = 0;
            for (int i = 0; i < 1000; i++) {
                m.update(Bytes.u32(i), Bytes.u64(i), MapFlags.ANY);
                if (m.lookup(Bytes.u32(-1)).isPresent()) {
                    survivedRounds++;
                }
            }
            assertTrue(survivedRounds < 1000, "htab_lru_map_lookup_elem_sys() does not mark the element");
        }
    }

    @Test
    void noExistOnAnExistingKeyIsEexistAndExistOnAMissingKeyIsEnoent() {
        try (BpfMap m = factory.create(MapAttr.of(MapType.LRU_HASH, 4, 8, 8, 0))) {
            m.update(Bytes.u32(1), Bytes.u64(1), MapFlags.ANY);
            assertEquals(Errno.EEXIST.code(),
                    org.junit.jupiter.api.Assertions.assertThrows(MapException.class,
                            () -> m.update(Bytes.u32(1), Bytes.u64(2), MapFlags.NOEXIST)).errno());
            assertEquals(Errno.ENOENT.code(),
                    org.junit.jupiter.api.Assertions.assertThrows(MapException.class,
                            () -> m.update(Bytes.u32(2), Bytes.u64(2), MapFlags.EXIST)).errno());
            assertEquals(Errno.EINVAL.code(),
                    org.junit.jupiter.api.Assertions.assertThrows(MapException.class,
                            () -> m.update(Bytes.u32(2), Bytes.u64(2), 3)).errno());
        }
    }
}
