package dev.bpftime.obj.btf;

import java.util.ArrayList;
import java.util.List;

/** Builds the {@link BtfType} records of a verified blob. */
final class TypeDecoder {

    private final RawBtf btf;
    /** Decoded names by string offset: names repeat a lot (member names, "(anon)" parameters). */
    private final java.util.Map<Long, String> names = new java.util.HashMap<>();

    private TypeDecoder(RawBtf btf) {
        this.btf = btf;
    }

    /** All types, index = id, void at 0. */
    static List<BtfType> decode(RawBtf btf) {
        TypeDecoder d = new TypeDecoder(btf);
        List<BtfType> types = new ArrayList<>(btf.typeCount());
        types.add(new BtfType.Void());
        for (int id = 1; id < btf.typeCount(); id++) {
            types.add(d.decode(id));
        }
        return types;
    }

    private String name(long offset) {
        return offset == 0 ? "" : names.computeIfAbsent(offset, btf::utf8);
    }

    private int u32AsId(long v) {
        return (int) v;
    }

    private BtfType decode(int id) {
        String name = name(btf.nameOff(id));
        long sizeOrType = btf.sizeOrType(id);
        int type = u32AsId(sizeOrType);
        int vlen = btf.vlen(id);
        boolean kflag = btf.kflag(id);
        return switch (BtfKind.of(btf.kind(id))) {
            case INT -> {
                long data = btf.word(id, 0);
                yield new BtfType.Int(id, name, (int) sizeOrType, (int) ((data >>> 24) & 0x0f),
                        (int) ((data >>> 16) & 0xff), (int) (data & 0xff));
            }
            case PTR -> new BtfType.Ptr(id, type);
            case ARRAY -> new BtfType.Array(id, u32AsId(btf.word(id, 0)), u32AsId(btf.word(id, 1)), btf.word(id, 2));
            case STRUCT -> new BtfType.Struct(id, name, sizeOrType, kflag, members(id, vlen, kflag));
            case UNION -> new BtfType.Union(id, name, sizeOrType, kflag, members(id, vlen, kflag));
            case ENUM -> new BtfType.Enum(id, name, (int) sizeOrType, kflag, enumValues(id, vlen, kflag));
            case ENUM64 -> new BtfType.Enum64(id, name, (int) sizeOrType, kflag, enum64Values(id, vlen));
            case FWD -> new BtfType.Fwd(id, name, kflag);
            case TYPEDEF -> new BtfType.Typedef(id, name, type);
            case VOLATILE -> new BtfType.Volatile(id, type);
            case CONST -> new BtfType.Const(id, type);
            case RESTRICT -> new BtfType.Restrict(id, type);
            case TYPE_TAG -> new BtfType.TypeTag(id, name, type, kflag);
            case FUNC -> new BtfType.Func(id, name, type, BtfType.Linkage.values()[vlen]);
            case FUNC_PROTO -> new BtfType.FuncProto(id, type, params(id, vlen));
            case VAR -> new BtfType.Var(id, name, type, (int) btf.word(id, 0));
            case DATASEC -> new BtfType.Datasec(id, name, sizeOrType, vars(id, vlen));
            case FLOAT -> new BtfType.Float(id, name, (int) sizeOrType);
            case DECL_TAG -> new BtfType.DeclTag(id, name, type, (int) btf.word(id, 0), kflag);
            case UNKNOWN -> throw new IllegalStateException("kind 0 passed verification");
        };
    }

    private List<BtfType.Member> members(int id, int vlen, boolean kflag) {
        List<BtfType.Member> out = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
            long offset = btf.word(id, 3 * i + 2);
            out.add(new BtfType.Member(name(btf.word(id, 3 * i)), u32AsId(btf.word(id, 3 * i + 1)),
                    kflag ? offset & 0xffffff : offset, kflag ? (int) (offset >>> 24) : 0));
        }
        return out;
    }

    private List<BtfType.EnumValue> enumValues(int id, int vlen, boolean signed) {
        List<BtfType.EnumValue> out = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
            long raw = btf.word(id, 2 * i + 1);
            out.add(new BtfType.EnumValue(name(btf.word(id, 2 * i)), signed ? (int) raw : raw));
        }
        return out;
    }

    private List<BtfType.EnumValue> enum64Values(int id, int vlen) {
        List<BtfType.EnumValue> out = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
            long lo = btf.word(id, 3 * i + 1);
            long hi = btf.word(id, 3 * i + 2);
            out.add(new BtfType.EnumValue(name(btf.word(id, 3 * i)), (hi << 32) | lo));
        }
        return out;
    }

    private List<BtfType.Param> params(int id, int vlen) {
        List<BtfType.Param> out = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
            out.add(new BtfType.Param(name(btf.word(id, 2 * i)), u32AsId(btf.word(id, 2 * i + 1))));
        }
        return out;
    }

    private List<BtfType.VarSecinfo> vars(int id, int vlen) {
        List<BtfType.VarSecinfo> out = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
            out.add(new BtfType.VarSecinfo(u32AsId(btf.word(id, 3 * i)), btf.word(id, 3 * i + 1), btf.word(id, 3 * i + 2)));
        }
        return out;
    }
}
