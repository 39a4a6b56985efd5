package dev.bpftime.jit;

import java.util.Objects;

/**
 * A place in a {@link JitImage} the linker fills with a per-process value: {@code width} bytes,
 * little-endian, at {@code offset}, become the target's address (or count) plus {@code addend}.
 *
 * @param offset code offset of the field
 * @param kind   what the field holds
 * @param key    for map kinds: the map reference of the lddw (an fd, or an fd_array index for the
 *               _IDX kinds); for HELPER_TABLE the helper id called (-1 for callx); else 0
 * @param addend added to the resolved value (the value offset of a MAP_VALUE lddw)
 * @param slot   the instruction the field belongs to, for error messages
 */
public record Relocation(int offset, Kind kind, int key, long addend, int slot) {

    public enum Kind {
        /** The helper table: an array of function pointers indexed by helper id (8 bytes). */
        HELPER_TABLE(8),
        /** The number of entries of the helper table, as a signed 32-bit bound for callx (4 bytes). */
        HELPER_COUNT(4),
        /** lddw BPF_PSEUDO_MAP_FD: the address of the map (8 bytes). */
        MAP_FD(8),
        /** lddw BPF_PSEUDO_MAP_IDX: the address of the map found through fd_array (8 bytes). */
        MAP_IDX(8),
        /** lddw BPF_PSEUDO_MAP_VALUE: the address of the map's value (array maps) plus addend (8 bytes). */
        MAP_VALUE(8),
        /** lddw BPF_PSEUDO_MAP_IDX_VALUE: as MAP_VALUE, the map found through fd_array (8 bytes). */
        MAP_IDX_VALUE(8);

        private final int width;

        Kind(int width) {
            this.width = width;
        }

        public int width() {
            return width;
        }

        public boolean isMap() {
            return this != HELPER_TABLE && this != HELPER_COUNT;
        }
    }

    public Relocation {
        Objects.requireNonNull(kind, "kind");
    }

    @Override
    public String toString() {
        return kind + (kind.isMap() ? " " + key + (addend != 0 ? "+" + addend : "") : "") + " at code offset "
                + offset + " (instruction " + slot + ")";
    }
}
