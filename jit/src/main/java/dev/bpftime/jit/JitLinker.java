package dev.bpftime.jit;

import java.util.OptionalLong;

/**
 * Turns a {@link JitImage} into the bytes that run in one process: fills the helper table address and
 * size and the map addresses into the image's relocation fields. The result is still position-independent;
 * copy it anywhere executable and call {@code base + entryOffset}.
 *
 * <p>The helper table is an array of {@code helperCount} C function pointers indexed by helper id, each
 * {@code uint64_t fn(uint64_t r1, ..., uint64_t r5)}; entry 12 is the tail-call resolver described at
 * {@link CallEmitter}. Every id the image calls ({@link JitImage#helperIds}) must be below the count, and
 * every entry must point at a function (a stub for unknown ids): the code calls through it unchecked.
 */
public final class JitLinker {

    /** The largest helper id a program may call; ids are table indexes. */
    public static final int MAX_HELPER_ID = 65535;

    /** Resolves the map references of lddw instructions. */
    public interface MapAddresses {
        /**
         * The address a map relocation stands for: the map itself for {@link Relocation.Kind#MAP_FD} and
         * {@link Relocation.Kind#MAP_IDX}, the start of its value for the value kinds (the linker adds the
         * offset); empty when {@code key} names no map.
         */
        OptionalLong resolve(Relocation.Kind kind, int key);

        MapAddresses NONE = (kind, key) -> OptionalLong.empty();
    }

    private final long helperTable;
    private final int helperCount;
    private final MapAddresses maps;

    public JitLinker(long helperTable, int helperCount, MapAddresses maps) {
        if (helperCount < 0 || helperCount > MAX_HELPER_ID + 1) {
            throw new IllegalArgumentException("helper count: actual " + helperCount + " vs expected 0.."
                    + (MAX_HELPER_ID + 1));
        }
        this.helperTable = helperTable;
        this.helperCount = helperCount;
        this.maps = maps;
    }

    /** The linked code; the image is not changed. */
    public byte[] link(JitImage image) {
        for (int id : image.helperIds()) {
            if (id >= helperCount) {
                throw new JitException(firstCallOf(image, id), "helper " + id + " is not in the helper table: actual "
                        + helperCount + " entries vs expected more than " + id);
            }
        }
        byte[] code = image.code();
        for (Relocation r : image.relocations()) {
            long value = switch (r.kind()) {
                case HELPER_TABLE -> helperTable;
                case HELPER_COUNT -> helperCount;
                default -> maps.resolve(r.kind(), r.key()).orElseThrow(() -> new JitException(r.slot(),
                        "unresolved " + r + ": actual no address for " + r.kind() + " " + r.key()
                                + " vs expected a map")) + r.addend();
            };
            for (int i = 0; i < r.kind().width(); i++) {
                code[r.offset() + i] = (byte) (value >>> (8 * i));
            }
        }
        return code;
    }

    private static int firstCallOf(JitImage image, int id) {
        return image.relocations().stream()
                .filter(r -> r.kind() == Relocation.Kind.HELPER_TABLE && r.key() == id)
                .mapToInt(Relocation::slot).findFirst().orElse(0);
    }
}
