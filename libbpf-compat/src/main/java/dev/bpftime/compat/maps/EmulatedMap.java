package dev.bpftime.compat.maps;

import dev.bpftime.compat.info.MapInfoSource;
import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.maps.BpfMap;
import dev.bpftime.maps.MapFlags;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A map as an object of the service: the maps module's map (one read-write view that lives as long
 * as the object) and what the kernel's struct bpf_map keeps that shared memory does not: a
 * PROG_ARRAY's owner program type (bpf_prog_map_compatible()) and the programs its slots hold
 * references to (the slots themselves hold ids).
 */
public final class EmulatedMap extends BpfObject implements SharedMemoryObject, MapInfoSource {

    private BpfMap map;
    private int ownerProgType = -1;
    /** By key (as a little-endian u32 index for arrays): the object the slot holds a reference to. */
    private final Map<ByteBuffer, BpfObject> slotRefs = new HashMap<>();
    private BpfObject btf;
    private int btfKeyTypeId;
    private int btfValueTypeId;
    private byte[] exclusiveProgHash;

    EmulatedMap() {
        super(ObjectKind.MAP);
    }

    void attach(BpfMap created) {
        this.map = created;
    }

    public BpfMap map() {
        return map;
    }

    @Override
    public BpfMap sharedMemory() {
        return map;
    }

    /** The map's BTF (already retained; the map holds it as the kernel's map->btf) and its type ids. */
    void setBtf(BpfObject btfObject, int keyTypeId, int valueTypeId) {
        this.btf = btfObject;
        this.btfKeyTypeId = keyTypeId;
        this.btfValueTypeId = valueTypeId;
    }

    /** The SHA-256 of the one program that may use the map (Linux 6.18's excl_prog_hash), or null. */
    public byte[] exclusiveProgHash() {
        return exclusiveProgHash == null ? null : exclusiveProgHash.clone();
    }

    void setExclusiveProgHash(byte[] sha256) {
        this.exclusiveProgHash = sha256.clone();
    }

    @Override
    public int btfId() {
        return btf == null ? 0 : btf.id();
    }

    @Override
    public int btfKeyTypeId() {
        return btfKeyTypeId;
    }

    @Override
    public int btfValueTypeId() {
        return btfValueTypeId;
    }

    @Override
    public int mapType() {
        return map.type().id();
    }

    @Override
    public int keySize() {
        return map.keySize();
    }

    @Override
    public int valueSize() {
        return map.valueSize();
    }

    @Override
    public int maxEntries() {
        return map.maxEntries();
    }

    /** The permanent flags: bpf_map_flags_retain_permanent() drops the file-only RDONLY and WRONLY. */
    @Override
    public int mapFlags() {
        return map.attr().mapFlags() & ~(MapFlags.RDONLY | MapFlags.WRONLY);
    }

    @Override
    public String name() {
        return map.attr().name();
    }

    /** A file's own view with the access it was opened with. */
    MapView openView(boolean read, boolean write) {
        return new MapView(this, map.withAccess(read, write), read, write);
    }

    /**
     * bpf_prog_map_compatible() (kernel/bpf/core.c): the first program put into a PROG_ARRAY fixes
     * its owner type; later ones must be of that type.
     */
    boolean acceptsProgramType(int progType) {
        if (ownerProgType < 0) {
            ownerProgType = progType;
            return true;
        }
        return ownerProgType == progType;
    }

    /** A slot now holds {@code target} (already retained) or, for null, nothing: the old one is released. */
    void setSlot(int index, BpfObject target) {
        setSlot(new byte[] {(byte) index, (byte) (index >>> 8), (byte) (index >>> 16), (byte) (index >>> 24)}, target);
    }

    /** The same for the slot of {@code key} (a HASH_OF_MAPS key, or an array index's 4 bytes). */
    void setSlot(byte[] key, BpfObject target) {
        ByteBuffer k = ByteBuffer.wrap(key.clone());
        BpfObject old = target == null ? slotRefs.remove(k) : slotRefs.put(k, target);
        if (old != null) {
            old.release();
        }
    }

    /** The maps the slots of a map of maps hold now (empty for other maps). */
    public List<EmulatedMap> innerMaps() {
        List<EmulatedMap> out = new ArrayList<>();
        for (BpfObject o : slotRefs.values()) {
            if (o instanceof EmulatedMap m) {
                out.add(m);
            }
        }
        return out;
    }

    @Override
    protected void free() {
        for (BpfObject o : slotRefs.values()) {
            o.release();
        }
        slotRefs.clear();
        if (btf != null) {
            btf.release();
            btf = null;
        }
        if (map != null) {
            map.close();
        }
    }
}
