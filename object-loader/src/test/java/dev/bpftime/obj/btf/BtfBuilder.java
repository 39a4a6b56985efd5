package dev.bpftime.obj.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Writes BTF blobs by hand for tests: types in order (ids from 1), a string table, a standard header. */
final class BtfBuilder {

    private final ByteOrder order;
    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> offsets = new HashMap<>();
    private int next = 1;

    BtfBuilder() {
        this(ByteOrder.LITTLE_ENDIAN);
    }

    BtfBuilder(ByteOrder order) {
        this.order = order;
        strings.write(0);
        offsets.put("", 0);
    }

    /** The offset of {@code s} in the string table, added once. */
    int str(String s) {
        Integer off = offsets.get(s);
        if (off != null) {
            return off;
        }
        int at = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        strings.write(0);
        offsets.put(s, at);
        return at;
    }

    private void word(long v) {
        ByteBuffer b = ByteBuffer.allocate(4).order(order);
        b.putInt((int) v);
        types.writeBytes(b.array());
    }

    /** Any type: struct btf_type with this info word, then {@code extra} u32 words; returns its id. */
    int raw(String name, long info, long sizeOrType, long... extra) {
        word(str(name));
        word(info);
        word(sizeOrType);
        for (long w : extra) {
            word(w);
        }
        return next++;
    }

    static long info(BtfKind kind, int vlen, boolean kflag) {
        return ((long) kind.wire() << 24) | (vlen & 0xffff) | (kflag ? 0x80000000L : 0);
    }

    int type(String name, BtfKind kind, int vlen, boolean kflag, long sizeOrType, long... extra) {
        return raw(name, info(kind, vlen, kflag), sizeOrType, extra);
    }

    int intType(String name, int size, int encoding, int bits) {
        return type(name, BtfKind.INT, 0, false, size, ((long) encoding << 24) | bits);
    }

    int ref(BtfKind kind, String name, long type) {
        return type(name, kind, 0, false, type);
    }

    int ptr(long type) {
        return ref(BtfKind.PTR, "", type);
    }

    int array(long elem, long index, long n) {
        return type("", BtfKind.ARRAY, 0, false, 0, elem, index, n);
    }

    /** A member: name, type, offset word (bit offset, or bit-field size << 24 | bit offset with kind_flag). */
    record M(String name, long type, long offset) {
    }

    int struct(BtfKind kind, String name, long size, boolean kflag, M... members) {
        long[] extra = new long[3 * members.length];
        for (int i = 0; i < members.length; i++) {
            extra[3 * i] = str(members[i].name());
            extra[3 * i + 1] = members[i].type();
            extra[3 * i + 2] = members[i].offset();
        }
        return type(name, kind, members.length, kflag, size, extra);
    }

    int enumType(String name, int size, boolean signed, Object... namesAndValues) {
        long[] extra = new long[namesAndValues.length];
        for (int i = 0; i < namesAndValues.length; i += 2) {
            extra[i] = str((String) namesAndValues[i]);
            extra[i + 1] = ((Number) namesAndValues[i + 1]).longValue();
        }
        return type(name, BtfKind.ENUM, namesAndValues.length / 2, signed, size, extra);
    }

    int enum64(String name, int size, boolean signed, String valueName, long value) {
        return type(name, BtfKind.ENUM64, 1, signed, size, str(valueName), value & 0xffffffffL, value >>> 32);
    }

    /** A FUNC_PROTO; {@code params} alternate name and type id. */
    int proto(long ret, Object... params) {
        long[] extra = new long[params.length];
        for (int i = 0; i < params.length; i += 2) {
            extra[i] = str((String) params[i]);
            extra[i + 1] = ((Number) params[i + 1]).longValue();
        }
        return type("", BtfKind.FUNC_PROTO, params.length / 2, false, ret, extra);
    }

    int func(String name, long proto, int linkage) {
        return type(name, BtfKind.FUNC, linkage, false, proto);
    }

    int var(String name, long type, long linkage) {
        return type(name, BtfKind.VAR, 0, false, type, linkage);
    }

    /** A DATASEC; {@code vars} are triples of type id, offset, size. */
    int datasec(String name, long size, long... vars) {
        return type(name, BtfKind.DATASEC, vars.length / 3, false, size, vars);
    }

    int declTag(String value, long type, int component) {
        return type(value, BtfKind.DECL_TAG, 0, false, type, component);
    }

    int floatType(String name, int size) {
        return type(name, BtfKind.FLOAT, 0, false, size);
    }

    int typeCount() {
        return next - 1;
    }

    /** The blob: header (24 bytes), type section, string section. */
    byte[] build() {
        byte[] t = types.toByteArray();
        byte[] s = strings.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(24 + t.length + s.length).order(order);
        b.putShort((short) BtfHeader.MAGIC).put((byte) 1).put((byte) 0).putInt(24);
        b.putInt(0).putInt(t.length).putInt(t.length).putInt(s.length);
        b.put(t).put(s);
        return b.array();
    }
}
