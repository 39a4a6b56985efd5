package dev.bpftime.obj.btf;

/**
 * The first pass over the type section (kernel/bpf/btf.c btf_check_all_metas, btf_check_meta and each kind's
 * check_meta): every struct btf_type and the data after it is checked on its own, without following type
 * references, and gets the next type id.
 */
final class MetaCheck {

    private static final long INFO_MASK = 0x9f00ffffL;
    private static final long INT_MASK = 0x0fffffffL;
    private static final int TYPE_SIZE = 12;

    private final VerifierEnv env;
    private final RawBtf btf;

    private MetaCheck(VerifierEnv env) {
        this.env = env;
        this.btf = env.btf;
    }

    static void checkAll(VerifierEnv env) {
        new MetaCheck(env).run();
    }

    private void run() {
        long cur = btf.header.typeStart();
        long end = cur + btf.header.typeLen();
        env.logTypeId = 1;
        while (cur < end) {
            long size = check((int) cur, end - cur);
            // btf_add_type() refuses ids from BTF_MAX_TYPE on, and btf_check_all_metas() ignores that: the
            // type is checked but gets no id.
            btf.add((int) cur);
            cur += size;
            env.logTypeId++;
        }
    }

    /** btf_check_meta(): the common fields, then the kind's own checks; returns the bytes the type takes. */
    private long check(int at, long metaLeft) {
        if (metaLeft < TYPE_SIZE) {
            throw env.plain(Errno.EINVAL, "[" + env.logTypeId + "] meta_left:" + metaLeft + " meta_needed:" + TYPE_SIZE,
                    "type " + env.logTypeId + " is cut off: actual " + metaLeft + " bytes left in the type section vs"
                            + " expected " + TYPE_SIZE, at);
        }
        long info = btf.u32(at + 4L);
        if ((info & ~INFO_MASK) != 0) {
            throw env.plain(Errno.EINVAL, "[" + env.logTypeId + "] Invalid btf_info:" + Long.toHexString(info),
                    "info: actual 0x" + Long.toHexString(info) + " vs expected no bits outside 0x"
                            + Long.toHexString(INFO_MASK), at + 4L);
        }
        int kind = (int) ((info >>> 24) & 0x1f);
        if (kind > BtfKind.MAX || kind == 0) {
            throw env.plain(Errno.EINVAL, "[" + env.logTypeId + "] Invalid kind:" + kind, "kind: actual " + kind
                    + " vs expected 1.." + BtfKind.MAX, at + 4L);
        }
        long nameOff = btf.u32(at);
        if (!btf.nameOffsetValid(nameOff)) {
            throw env.plain(Errno.EINVAL, "[" + env.logTypeId + "] Invalid name_offset:" + nameOff,
                    "name_off: actual " + nameOff + " vs expected below str_len " + btf.header.strLen(), at);
        }
        // The kind checks read the type through its id; give it one for now (replaced by add()).
        Probe probe = new Probe(at);
        return TYPE_SIZE + probe.checkKind(BtfKind.of(kind), metaLeft - TYPE_SIZE);
    }

    /** The per-kind checks of one type, which may not have an id yet; it is read through a scratch id. */
    private final class Probe {
        private final int id;

        Probe(int at) {
            this.id = btf.scratch(at);
        }

        long checkKind(BtfKind kind, long metaLeft) {
            return switch (kind) {
                case INT -> checkInt(metaLeft);
                case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG -> checkRef();
                case ARRAY -> checkArray(metaLeft);
                case STRUCT, UNION -> checkStruct(metaLeft, kind == BtfKind.UNION);
                case ENUM -> checkEnum(metaLeft, 8);
                case ENUM64 -> checkEnum(metaLeft, 12);
                case FWD -> checkFwd();
                case FUNC -> checkFunc();
                case FUNC_PROTO -> checkFuncProto(metaLeft);
                case VAR -> checkVar(metaLeft);
                case DATASEC -> checkDatasec(metaLeft);
                case FLOAT -> checkFloat();
                case DECL_TAG -> checkDeclTag(metaLeft);
                case UNKNOWN -> throw new IllegalStateException("kind 0 was refused above");
            };
        }

        private void metaNeeded(long metaLeft, long needed) {
            if (metaLeft < needed) {
                throw env.basic(id, "meta_left:" + metaLeft + " meta_needed:" + needed, "the type's data is cut off:"
                        + " actual " + metaLeft + " bytes left in the type section vs expected " + needed);
            }
        }

        private BtfException invalid(String msg, String detail) {
            return env.type(id, msg, detail);
        }

        private void noVlen() {
            if (btf.vlen(id) != 0) {
                throw invalid("vlen != 0", "vlen: actual " + btf.vlen(id) + " vs expected 0");
            }
        }

        private void noKflag() {
            if (btf.kflag(id)) {
                throw invalid("Invalid btf_info kind_flag", "kind_flag: actual 1 vs expected 0 for "
                        + BtfKind.of(btf.kind(id)).logName());
            }
        }

        private void identifierName(boolean required) {
            long off = btf.nameOff(id);
            if (off == 0 ? required : !Names.validIdentifier(btf, off)) {
                throw invalid("Invalid name", off == 0 ? "name: actual anonymous vs expected a C identifier"
                        : "name: actual \"" + btf.string(off) + "\" vs expected a C identifier");
            }
        }

        private void noName() {
            long off = btf.nameOff(id);
            if (off != 0) {
                throw invalid("Invalid name", "name: actual \"" + btf.string(off) + "\" vs expected anonymous");
            }
        }

        private void nonEmptyName(String msg) {
            long off = btf.nameOff(id);
            if (btf.data[btf.stringAt(off)] == 0) {
                throw invalid(msg, "name: actual empty vs expected a non-empty string");
            }
        }

        private boolean typeIdValid(long typeId) {
            return typeId <= RawBtf.MAX_TYPE;
        }

        private long checkInt(long metaLeft) {
            metaNeeded(metaLeft, 4);
            noVlen();
            noKflag();
            long data = btf.word(id, 0);
            if ((data & ~INT_MASK) != 0) {
                throw env.basic(id, "Invalid int_data:" + Long.toHexString(data), "int data: actual 0x"
                        + Long.toHexString(data) + " vs expected no bits outside 0x" + Long.toHexString(INT_MASK));
            }
            long bits = (data & 0xff) + ((data >>> 16) & 0xff);
            if (bits > 128) {
                throw invalid("nr_bits exceeds 128", "bits + bit offset: actual " + bits + " vs expected at most 128");
            }
            long size = btf.sizeOrType(id);
            if (roundUpBytes(bits) > size) {
                throw invalid("nr_bits exceeds type_size", "bits + bit offset: actual " + bits + " vs expected at most "
                        + size * 8 + " (size " + size + ")");
            }
            int encoding = (int) ((data >>> 24) & 0x0f);
            if (encoding != 0 && encoding != 1 && encoding != 2 && encoding != 4) {
                throw env.type(Errno.ENOTSUPP, id, "Unsupported encoding", "encoding: actual " + encoding
                        + " vs expected one of 0, SIGNED (1), CHAR (2), BOOL (4)");
            }
            env.logType(id);
            return 4;
        }

        /** btf_ref_type_check_meta(): PTR and the modifiers. */
        private long checkRef() {
            noVlen();
            // Linux 6.14 allows kind_flag on TYPE_TAG (an attribute rather than a C type tag).
            if (btf.kind(id) != BtfKind.TYPE_TAG.wire()) {
                noKflag();
            }
            long type = btf.sizeOrType(id);
            if (!typeIdValid(type)) {
                throw invalid("Invalid type_id", "type: actual " + type + " vs expected at most " + RawBtf.MAX_TYPE);
            }
            int kind = btf.kind(id);
            if (kind == BtfKind.TYPEDEF.wire()) {
                identifierName(true);
            } else if (kind == BtfKind.TYPE_TAG.wire()) {
                nonEmptyName("Invalid name");
            } else {
                noName();
            }
            env.logType(id);
            return 0;
        }

        private long checkFwd() {
            noVlen();
            if (btf.sizeOrType(id) != 0) {
                throw invalid("type != 0", "type: actual " + btf.sizeOrType(id) + " vs expected 0");
            }
            identifierName(true);
            env.logType(id);
            return 0;
        }

        private long checkArray(long metaLeft) {
            metaNeeded(metaLeft, 12);
            noName();
            noVlen();
            noKflag();
            if (btf.sizeOrType(id) != 0) {
                throw invalid("size != 0", "size: actual " + btf.sizeOrType(id) + " vs expected 0");
            }
            long elem = btf.word(id, 0);
            if (elem == 0 || !typeIdValid(elem)) {
                throw invalid("Invalid elem", "element type: actual " + elem + " vs expected 1.." + RawBtf.MAX_TYPE);
            }
            long index = btf.word(id, 1);
            if (index == 0 || !typeIdValid(index)) {
                throw invalid("Invalid index", "index type: actual " + index + " vs expected 1.." + RawBtf.MAX_TYPE);
            }
            env.logType(id);
            return 12;
        }

        private long checkStruct(long metaLeft, boolean union) {
            int vlen = btf.vlen(id);
            long needed = 12L * vlen;
            metaNeeded(metaLeft, needed);
            identifierName(false);
            env.logType(id);
            long structSize = btf.sizeOrType(id);
            boolean kflag = btf.kflag(id);
            long lastOffset = 0;
            for (int i = 0; i < vlen; i++) {
                long nameOff = btf.word(id, 3 * i);
                long type = btf.word(id, 3 * i + 1);
                long raw = btf.word(id, 3 * i + 2);
                if (!btf.nameOffsetValid(nameOff)) {
                    throw env.member(id, i, type, "Invalid member name_offset:" + nameOff, "name_off: actual "
                            + nameOff + " vs expected below str_len " + btf.header.strLen());
                }
                if (nameOff != 0 && !Names.validIdentifier(btf, nameOff)) {
                    throw env.member(id, i, type, "Invalid name", "name: actual \"" + btf.string(nameOff)
                            + "\" vs expected a C identifier");
                }
                if (type == 0 || !typeIdValid(type)) {
                    throw env.member(id, i, type, "Invalid type_id", "type: actual " + type + " vs expected 1.."
                            + RawBtf.MAX_TYPE);
                }
                long offset = kflag ? raw & 0xffffff : raw;
                if (union && offset != 0) {
                    throw env.member(id, i, type, "Invalid member bits_offset", "bit offset in a union: actual "
                            + offset + " vs expected 0");
                }
                if (lastOffset > offset) {
                    throw env.member(id, i, type, "Invalid member bits_offset", "bit offset: actual " + offset
                            + " vs expected at least " + lastOffset + " (the member before)");
                }
                if (roundUpBytes(offset) > structSize) {
                    throw env.member(id, i, type, "Member bits_offset exceeds its struct size", "bit offset: actual "
                            + offset + " vs expected within the size " + structSize);
                }
                env.logMember(id, i);
                lastOffset = offset;
            }
            return needed;
        }

        private long checkEnum(long metaLeft, int entrySize) {
            int vlen = btf.vlen(id);
            long needed = (long) entrySize * vlen;
            metaNeeded(metaLeft, needed);
            long size = btf.sizeOrType(id);
            if (size > 8 || Long.bitCount(size) != 1) {
                throw invalid("Unexpected size", "size: actual " + size + " vs expected 1, 2, 4 or 8");
            }
            identifierName(false);
            env.logType(id);
            int words = entrySize / 4;
            for (int i = 0; i < vlen; i++) {
                long nameOff = btf.word(id, words * i);
                if (!btf.nameOffsetValid(nameOff)) {
                    throw env.plain(Errno.EINVAL, "\tInvalid name_offset:" + nameOff, "type [" + env.logTypeId
                            + "] enumerator " + i + " name_off: actual " + nameOff + " vs expected below str_len "
                            + btf.header.strLen(), btf.wordOffset(id, words * i));
                }
                if (nameOff == 0 || !Names.validIdentifier(btf, nameOff)) {
                    throw invalid("Invalid name", "enumerator " + i + " name: actual "
                            + (nameOff == 0 ? "anonymous" : "\"" + btf.string(nameOff) + "\"")
                            + " vs expected a C identifier");
                }
                long value = words == 2 ? btf.word(id, 2 * i + 1)
                        : btf.word(id, 3 * i + 1) | btf.word(id, 3 * i + 2) << 32;
                env.logEnumerator(id, nameOff, value, words == 3);
            }
            return needed;
        }

        private long checkFuncProto(long metaLeft) {
            long needed = 8L * btf.vlen(id);
            metaNeeded(metaLeft, needed);
            noName();
            noKflag();
            env.logType(id);
            return needed;
        }

        private long checkFunc() {
            identifierName(true);
            if (btf.vlen(id) > (env.object() ? 2 : 1)) {
                throw invalid("Invalid func linkage", "linkage (vlen): actual " + btf.vlen(id)
                        + " vs expected 0 (static) or 1 (global)");
            }
            noKflag();
            env.logType(id);
            return 0;
        }

        private long checkVar(long metaLeft) {
            metaNeeded(metaLeft, 4);
            noVlen();
            noKflag();
            identifierName(true);
            long type = btf.sizeOrType(id);
            if (type == 0 || !typeIdValid(type)) {
                throw invalid("Invalid type_id", "type: actual " + type + " vs expected 1.." + RawBtf.MAX_TYPE);
            }
            long linkage = btf.word(id, 0);
            if (linkage != 0 && linkage != 1 && !(env.object() && linkage == BtfType.Var.GLOBAL_EXTERN)) {
                throw invalid("Linkage not supported", "linkage: actual " + linkage
                        + " vs expected 0 (static) or 1 (global allocated)");
            }
            env.logType(id);
            return 4;
        }

        private long checkDatasec(long metaLeft) {
            int vlen = btf.vlen(id);
            long needed = 12L * vlen;
            metaNeeded(metaLeft, needed);
            long size = btf.sizeOrType(id);
            // clang leaves the size and the offsets zero; libbpf sets them from the ELF file.
            boolean unplaced = env.object() && size == 0;
            if (size == 0 && !unplaced) {
                throw invalid("size == 0", "size: actual 0 vs expected at least 1");
            }
            noKflag();
            long nameOff = btf.nameOff(id);
            if (nameOff == 0 || !Names.validSection(btf, nameOff)) {
                throw invalid("Invalid name", "name: actual " + (nameOff == 0 ? "anonymous" : "\""
                        + btf.string(nameOff) + "\"") + " vs expected a printable section name");
            }
            env.logType(id);
            long lastEnd = 0;
            long sum = 0;
            for (int i = 0; i < vlen; i++) {
                long type = btf.word(id, 3 * i);
                long offset = btf.word(id, 3 * i + 1);
                long varSize = btf.word(id, 3 * i + 2);
                if (type == 0 || !typeIdValid(type)) {
                    throw env.vsi(id, i, "Invalid type_id", "type: actual " + type + " vs expected 1.." + RawBtf.MAX_TYPE);
                }
                if (unplaced) {
                    env.logVsi(id, i);
                    continue;
                }
                if (offset < lastEnd || offset >= size) {
                    throw env.vsi(id, i, "Invalid offset", "offset: actual " + offset + " vs expected " + lastEnd
                            + ".." + (size - 1));
                }
                if (varSize == 0 || varSize > size) {
                    throw env.vsi(id, i, "Invalid size", "size: actual " + varSize + " vs expected 1.." + size);
                }
                lastEnd = offset + varSize;
                if (lastEnd > size) {
                    throw env.vsi(id, i, "Invalid offset+size", "end: actual " + lastEnd + " vs expected at most "
                            + size);
                }
                env.logVsi(id, i);
                sum += varSize;
            }
            if (size < sum) {
                throw invalid("Invalid btf_info size", "size: actual " + size + " vs expected at least " + sum
                        + " (the sum of the variable sizes)");
            }
            return needed;
        }

        private long checkFloat() {
            noVlen();
            noKflag();
            long size = btf.sizeOrType(id);
            if (size != 2 && size != 4 && size != 8 && size != 12 && size != 16) {
                throw invalid("Invalid type_size", "size: actual " + size + " vs expected 2, 4, 8, 12 or 16");
            }
            env.logType(id);
            return 0;
        }

        private long checkDeclTag(long metaLeft) {
            metaNeeded(metaLeft, 4);
            nonEmptyName("Invalid value");
            noVlen();
            // Linux 6.14 allows kind_flag on DECL_TAG (an attribute rather than a C declaration tag).
            int component = (int) btf.word(id, 0);
            if (component < -1) {
                throw invalid("Invalid component_idx", "component_idx: actual " + component + " vs expected -1 or"
                        + " a member or argument index");
            }
            env.logType(id);
            return 4;
        }
    }

    static long roundUpBytes(long bits) {
        return (bits >>> 3) + ((bits & 7) != 0 ? 1 : 0);
    }
}
