package dev.bpftime.compat.objects;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The live objects of this service by kind and id. Ids are handed out as the kernel's
 * idr_alloc_cyclic(idr, ptr, 1, INT_MAX): increasing from 1, wrapping to 1 after INT_MAX, skipping
 * ids in use, so a freed id is not reused soon.
 */
public final class ObjectTable {

    private final Map<ObjectKind, TreeMap<Integer, BpfObject>> byKind = new EnumMap<>(ObjectKind.class);
    private final Map<ObjectKind, Integer> nextId = new EnumMap<>(ObjectKind.class);

    public ObjectTable() {
        for (ObjectKind k : ObjectKind.values()) {
            byKind.put(k, new TreeMap<>());
            nextId.put(k, 1);
        }
    }

    /** Gives the object its id and its first reference (the caller's). */
    public <T extends BpfObject> T register(T object) {
        TreeMap<Integer, BpfObject> ids = byKind.get(object.kind());
        if (ids.size() >= Integer.MAX_VALUE - 1) {
            throw new IllegalStateException("no free " + object.kind() + " id");
        }
        int id = nextId.get(object.kind());
        while (ids.containsKey(id)) {
            id = id == Integer.MAX_VALUE - 1 ? 1 : id + 1;
        }
        nextId.put(object.kind(), id == Integer.MAX_VALUE - 1 ? 1 : id + 1);
        object.register(this, id);
        ids.put(id, object);
        return object;
    }

    public Optional<BpfObject> byId(ObjectKind kind, int id) {
        return Optional.ofNullable(byKind.get(kind).get(id));
    }

    /** The smallest live id of that kind at or above {@code from} (idr_get_next). */
    public OptionalInt idAtOrAfter(ObjectKind kind, long from) {
        if (from > Integer.MAX_VALUE) {
            return OptionalInt.empty();
        }
        Integer id = byKind.get(kind).ceilingKey((int) Math.max(from, 0));
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    public int count(ObjectKind kind) {
        return byKind.get(kind).size();
    }

    public int count() {
        int n = 0;
        for (TreeMap<Integer, BpfObject> ids : byKind.values()) {
            n += ids.size();
        }
        return n;
    }

    void forget(BpfObject object) {
        byKind.get(object.kind()).remove(object.id(), object);
    }
}
