package dev.bpftime.obj.btf;

/**
 * Kind predicates and the resolved-type tables of the second pass, over type ids (kernel/bpf/btf.c
 * btf_type_is_*, btf_type_id_size). Ids come from the blob as u32 and are checked with {@link #exists}.
 */
class TypeGraph {

    final RawBtf btf;
    /** resolved_ids: what each resolved modifier, pointer, var, func, decl tag or array element leads to. */
    final int[] resolvedIds;
    /** resolved_sizes (u32): the byte size of each resolved array. */
    final int[] resolvedSizes;
    /** The size found by the last successful {@link #idSize}. */
    long lastSize;

    TypeGraph(RawBtf btf) {
        this.btf = btf;
        this.resolvedIds = new int[btf.typeCount()];
        this.resolvedSizes = new int[btf.typeCount()];
    }

    boolean exists(long id) {
        return btf.exists(id);
    }

    boolean is(long id, BtfKind kind) {
        return btf.kind((int) id) == kind.wire();
    }

    boolean isModifier(long id) {
        return BtfKind.of(btf.kind((int) id)).isModifier();
    }

    boolean isStruct(long id) {
        return is(id, BtfKind.STRUCT) || is(id, BtfKind.UNION);
    }

    /** btf_type_nosize(): void, FWD, FUNC, FUNC_PROTO and DECL_TAG have no size. */
    boolean noSize(long id) {
        return id == 0 || is(id, BtfKind.FWD) || is(id, BtfKind.FUNC) || is(id, BtfKind.FUNC_PROTO)
                || is(id, BtfKind.DECL_TAG);
    }

    boolean noSizeOrMissing(long id) {
        return !exists(id) || noSize(id);
    }

    /** btf_type_is_resolve_source_only(): types nothing may refer to but a DATASEC or a DECL_TAG. */
    boolean sourceOnly(long id) {
        return is(id, BtfKind.VAR) || is(id, BtfKind.DECL_TAG) || is(id, BtfKind.DATASEC);
    }

    /** btf_type_needs_resolve(). */
    boolean needsResolve(long id) {
        return isModifier(id) || is(id, BtfKind.PTR) || isStruct(id) || is(id, BtfKind.ARRAY) || is(id, BtfKind.VAR)
                || is(id, BtfKind.FUNC) || is(id, BtfKind.DECL_TAG) || is(id, BtfKind.DATASEC);
    }

    /** btf_type_has_size(): btf_type.size is the type's size. */
    boolean hasSize(long id) {
        return isStruct(id) || is(id, BtfKind.INT) || is(id, BtfKind.ENUM) || is(id, BtfKind.DATASEC)
                || is(id, BtfKind.FLOAT) || is(id, BtfKind.ENUM64);
    }

    /** btf_type_int_is_regular(): a whole u8/u16/u32/u64/u128, not a bit field. */
    boolean intIsRegular(long id) {
        long data = btf.word((int) id, 0);
        long bits = data & 0xff;
        long bytes = MetaCheck.roundUpBytes(bits);
        return (bits & 7) == 0 && ((data >>> 16) & 0xff) == 0
                && (bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8 || bytes == 16);
    }

    long resolvedId(long id) {
        return Integer.toUnsignedLong(resolvedIds[(int) id]);
    }

    long resolvedSize(long id) {
        return Integer.toUnsignedLong(resolvedSizes[(int) id]);
    }

    /**
     * btf_type_id_size(): the id of the type that gives {@code id} its size (itself, or what a modifier or
     * var resolved to), with the size in {@link #lastSize}; -1 when the type has no size.
     */
    long idSize(long id) {
        if (noSizeOrMissing(id)) {
            return -1;
        }
        long size;
        if (hasSize(id)) {
            size = btf.sizeOrType((int) id);
        } else if (is(id, BtfKind.ARRAY)) {
            size = resolvedSize(id);
        } else if (is(id, BtfKind.PTR)) {
            size = 8;
        } else {
            if (!isModifier(id) && !is(id, BtfKind.VAR)) {
                return -1;
            }
            id = resolvedId(id);
            if (noSizeOrMissing(id)) {
                return -1;
            } else if (hasSize(id)) {
                size = btf.sizeOrType((int) id);
            } else if (is(id, BtfKind.ARRAY)) {
                size = resolvedSize(id);
            } else if (is(id, BtfKind.PTR)) {
                size = 8;
            } else {
                return -1;
            }
        }
        lastSize = size;
        return id;
    }
}
