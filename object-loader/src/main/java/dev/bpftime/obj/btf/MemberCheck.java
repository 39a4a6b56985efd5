package dev.bpftime.obj.btf;

/**
 * Whether a struct or union member fits its container, by the member's kind (the check_member and
 * check_kflag_member operations of kernel/bpf/btf.c). With kind_flag set on the struct, a member's offset
 * word holds a bit-field size in its top 8 bits and the bit offset in the low 24.
 */
final class MemberCheck {

    private final VerifierEnv env;
    private final TypeGraph graph;
    private final RawBtf btf;

    MemberCheck(VerifierEnv env, TypeGraph graph) {
        this.env = env;
        this.graph = graph;
        this.btf = env.btf;
    }

    /** Checks member {@code index} of {@code structId}, whose type is (or resolved to) {@code type}. */
    void check(int structId, int index, long type) {
        long raw = btf.word(structId, 3 * index + 2);
        if (btf.kflag(structId)) {
            checkKflag(structId, index, type, raw);
        } else {
            checkPlain(structId, index, type, raw);
        }
    }

    private long structSize(int structId) {
        return btf.sizeOrType(structId);
    }

    /** check_member with the member's offset word as given ({@code raw}); {@code type} is printed as its type. */
    private void checkPlain(int structId, int index, long type, long raw) {
        switch (BtfKind.of(btf.kind((int) type))) {
            case INT -> checkInt(structId, index, type, raw);
            case PTR -> checkAligned(structId, index, type, raw, 8);
            case ARRAY -> {
                graph.idSize(type);
                checkAligned(structId, index, type, raw, graph.lastSize);
            }
            case STRUCT, UNION, ENUM, ENUM64 -> checkAligned(structId, index, type, raw, btf.sizeOrType((int) type));
            case FLOAT -> checkFloat(structId, index, type, raw);
            case TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG -> {
                long sized = graph.idSize(type);
                if (sized < 0) {
                    throw env.member(structId, index, type, "Invalid member", "type " + type
                            + " resolves to a type without a size");
                }
                checkPlain(structId, index, sized, raw);
            }
            default -> throw unsupported(structId, "Unsupported check_member", type);
        }
    }

    private void checkKflag(int structId, int index, long type, long raw) {
        switch (BtfKind.of(btf.kind((int) type))) {
            case INT -> checkIntKflag(structId, index, type, raw);
            case ENUM, ENUM64 -> checkEnumKflag(structId, index, type, raw);
            case PTR, ARRAY, STRUCT, UNION, FLOAT -> {
                if ((raw >>> 24) != 0) {
                    throw env.member(structId, index, type, "Invalid member bitfield_size", "bit-field size: actual "
                            + (raw >>> 24) + " vs expected 0 for a " + BtfKind.of(btf.kind((int) type)).logName());
                }
                checkPlain(structId, index, type, raw);
            }
            case TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG -> {
                long sized = graph.idSize(type);
                if (sized < 0) {
                    throw env.member(structId, index, type, "Invalid member", "type " + type
                            + " resolves to a type without a size");
                }
                checkKflag(structId, index, sized, raw);
            }
            default -> throw unsupported(structId, "Unsupported check_kflag_member", type);
        }
    }

    private BtfException unsupported(int structId, String msg, long type) {
        return env.basic(structId, msg, "member type " + type + " is a " + BtfKind.of(btf.kind((int) type)).logName());
    }

    /** btf_ptr/array/struct/enum_check_member(): byte aligned, and {@code size} bytes fit the struct. */
    private void checkAligned(int structId, int index, long type, long bitOffset, long size) {
        if ((bitOffset & 7) != 0) {
            throw env.member(structId, index, type, "Member is not byte aligned", "bit offset: actual " + bitOffset
                    + " vs expected a multiple of 8");
        }
        long bytesOffset = bitOffset >>> 3;
        long room = (structSize(structId) - bytesOffset) & 0xffffffffL;
        if (room < size) {
            throw exceeds(structId, index, type, bytesOffset + size);
        }
    }

    private BtfException exceeds(int structId, int index, long type, long end) {
        return env.member(structId, index, type, "Member exceeds struct_size", "member end: actual byte " + end
                + " vs expected at most the struct size " + structSize(structId));
    }

    private void checkInt(int structId, int index, long type, long raw) {
        long data = btf.word((int) type, 0);
        long intOffset = (data >>> 16) & 0xff;
        if (0xffffffffL - raw < intOffset) {
            throw env.member(structId, index, type, "bits_offset exceeds U32_MAX", "bit offset: actual " + raw
                    + " + " + intOffset + " vs expected at most 4294967295");
        }
        long bitOffset = raw + intOffset;
        checkBits(structId, index, type, bitOffset, data & 0xff);
    }

    private void checkBits(int structId, int index, long type, long bitOffset, long bits) {
        long bytesOffset = bitOffset >>> 3;
        long copyBits = bits + (bitOffset & 7);
        if (copyBits > 128) {
            throw env.member(structId, index, type, "nr_copy_bits exceeds 128", "bits spanned: actual " + copyBits
                    + " vs expected at most 128");
        }
        long size = structSize(structId);
        if (size < bytesOffset || size - bytesOffset < MetaCheck.roundUpBytes(copyBits)) {
            throw exceeds(structId, index, type, bytesOffset + MetaCheck.roundUpBytes(copyBits));
        }
    }

    private void checkIntKflag(int structId, int index, long type, long raw) {
        if (!graph.intIsRegular(type)) {
            throw env.member(structId, index, type, "Invalid member base type", "INT [" + type
                    + "]: actual a bit-field INT vs expected a whole u8/u16/u32/u64/u128 under kind_flag");
        }
        long bits = raw >>> 24;
        long bitOffset = raw & 0xffffff;
        long intBits = btf.word((int) type, 0) & 0xff;
        if (bits == 0) {
            if ((bitOffset & 7) != 0) {
                throw env.member(structId, index, type, "Invalid member offset", "bit offset: actual " + bitOffset
                        + " vs expected a multiple of 8 for a member that is not a bit field");
            }
            bits = intBits;
        } else if (bits > intBits) {
            throw env.member(structId, index, type, "Invalid member bitfield_size", "bit-field size: actual " + bits
                    + " vs expected at most " + intBits + " (the INT's bits)");
        }
        checkBits(structId, index, type, bitOffset, bits);
    }

    private void checkEnumKflag(int structId, int index, long type, long raw) {
        long bitOffset = raw & 0xffffff;
        long bits = raw >>> 24;
        // The kernel bounds enum bit fields by the size of int, also for ENUM64.
        if (bits == 0) {
            if ((bitOffset & 7) != 0) {
                throw env.member(structId, index, type, "Member is not byte aligned", "bit offset: actual "
                        + bitOffset + " vs expected a multiple of 8");
            }
            bits = 32;
        } else if (bits > 32) {
            throw env.member(structId, index, type, "Invalid member bitfield_size", "bit-field size: actual " + bits
                    + " vs expected at most 32");
        }
        long end = MetaCheck.roundUpBytes(bitOffset + bits);
        if (structSize(structId) < end) {
            throw exceeds(structId, index, type, end);
        }
    }

    private void checkFloat(int structId, int index, long type, long raw) {
        long size = btf.sizeOrType((int) type);
        // Only the smallest alignment any architecture needs, so that types after CO-RE still load.
        long alignBits = Math.min(8, size) * 8;
        if (raw % alignBits != 0) {
            throw env.member(structId, index, type, "Member is not properly aligned", "bit offset: actual " + raw
                    + " vs expected a multiple of " + alignBits);
        }
        long end = raw / 8 + size;
        if (end > structSize(structId)) {
            throw exceeds(structId, index, type, end);
        }
    }
}
