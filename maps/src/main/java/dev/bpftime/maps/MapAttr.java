package dev.bpftime.maps;

/**
 * The attributes of BPF_MAP_CREATE that shape a map, as the syscall layer decoded them from
 * union bpf_attr. Sizes are the kernel's u32s: a Java int read as unsigned.
 *
 * @param mapType        enum bpf_map_type number (possibly one this runtime does not implement)
 * @param keySize        key_size
 * @param valueSize      value_size
 * @param maxEntries     max_entries (data bytes for a RINGBUF)
 * @param mapFlags       map_flags
 * @param spinLockOffset offset of struct bpf_spin_lock in the value per the map's BTF, or -1
 * @param name           map_name (at most 15 characters of [A-Za-z0-9_.])
 */
public record MapAttr(int mapType, int keySize, int valueSize, int maxEntries, int mapFlags, int spinLockOffset,
        String name) {

    public MapAttr {
        if (name == null) {
            name = "";
        }
    }

    public static MapAttr of(MapType type, int keySize, int valueSize, int maxEntries, int mapFlags) {
        return new MapAttr(type.id(), keySize, valueSize, maxEntries, mapFlags, -1, "");
    }

    public MapAttr withName(String newName) {
        return new MapAttr(mapType, keySize, valueSize, maxEntries, mapFlags, spinLockOffset, newName);
    }

    public MapAttr withSpinLockAt(int offset) {
        return new MapAttr(mapType, keySize, valueSize, maxEntries, mapFlags, offset, name);
    }

    MapAttr withMaxEntries(int n) {
        return new MapAttr(mapType, keySize, valueSize, n, mapFlags, spinLockOffset, name);
    }

    public long keySizeUnsigned() {
        return Integer.toUnsignedLong(keySize);
    }

    public long valueSizeUnsigned() {
        return Integer.toUnsignedLong(valueSize);
    }

    public long maxEntriesUnsigned() {
        return Integer.toUnsignedLong(maxEntries);
    }
}
