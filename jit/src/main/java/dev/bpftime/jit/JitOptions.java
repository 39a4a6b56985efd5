package dev.bpftime.jit;

import java.util.Objects;
import java.util.Optional;

/**
 * Compile-time choices.
 *
 * @param unwindHelper the bpf_conformance suite's "unwind" helper id (the suite uses 5): after a call of
 *                     that helper returning 0 the whole invocation ends with r0 = 0, from any frame;
 *                     negative turns it off (the default, as with the kernel)
 * @param maps         what the loader knows of the maps the program's lddw instructions name; a
 *                     {@code bpf_map_lookup_elem} on a map it describes as an ARRAY is inlined
 *                     ({@link InlineLookupEmitter}), every other call stays a helper call
 */
public record JitOptions(int unwindHelper, MapDescriptors maps) {

    public static final JitOptions DEFAULT = new JitOptions(-1);

    /** The options the bpf_conformance suite expects. */
    public static final JitOptions CONFORMANCE = new JitOptions(5);

    /** BPF_MAP_TYPE_ARRAY (include/uapi/linux/bpf.h). */
    public static final int MAP_TYPE_ARRAY = 2;

    /**
     * A map as the loader created it: what the kernel's verifier specialises an inlined lookup on
     * (kernel/bpf/arraymap.c, array_map_gen_lookup). The values of an ARRAY lie {@link #valueStride} apart
     * from the address a {@link Relocation.Kind#MAP_VALUE} relocation of the map resolves to.
     */
    public record MapDescriptor(int type, int keySize, int valueSize, int maxEntries) {

        /** round_up(value_size, 8), as the kernel's array (and docs/MAP-FORMAT.md's value_stride). */
        public long valueStride() {
            return (Integer.toUnsignedLong(valueSize) + 7) & ~7L;
        }
    }

    /** The maps a program refers to, by the kind and key of its lddw (a map fd, or an fd_array index). */
    public interface MapDescriptors {
        /** The map {@code key} names; empty when it is unknown, which keeps the helper call. */
        Optional<MapDescriptor> describe(Relocation.Kind kind, int key);

        MapDescriptors NONE = (kind, key) -> Optional.empty();
    }

    public JitOptions {
        Objects.requireNonNull(maps, "maps");
    }

    public JitOptions(int unwindHelper) {
        this(unwindHelper, MapDescriptors.NONE);
    }

    /** These options with the loader's map descriptors. */
    public JitOptions withMaps(MapDescriptors descriptors) {
        return new JitOptions(unwindHelper, descriptors);
    }

    public boolean hasUnwindHelper() {
        return unwindHelper >= 0;
    }
}
