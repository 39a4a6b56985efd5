package dev.bpftime.obj.btf;

/** The per-kind part of a verifier log line (the log_details operations of kernel/bpf/btf.c). */
final class LogDetails {

    private LogDetails() {
    }

    static String of(RawBtf btf, int id) {
        long sizeOrType = btf.sizeOrType(id);
        return switch (BtfKind.of(btf.kind(id))) {
            case INT -> {
                long data = btf.word(id, 0);
                yield "size=" + sizeOrType + " bits_offset=" + ((data >>> 16) & 0xff) + " nr_bits=" + (data & 0xff)
                        + " encoding=" + encoding((int) ((data >>> 24) & 0x0f));
            }
            case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG, FUNC -> "type_id=" + sizeOrType;
            case ARRAY -> "type_id=" + btf.word(id, 0) + " index_type_id=" + btf.word(id, 1) + " nr_elems="
                    + btf.word(id, 2);
            case STRUCT, UNION, ENUM, ENUM64, DATASEC -> "size=" + sizeOrType + " vlen=" + btf.vlen(id);
            case FWD -> btf.kflag(id) ? "union" : "struct";
            case FUNC_PROTO -> funcProto(btf, id);
            case VAR -> "type_id=" + sizeOrType + " linkage=" + btf.word(id, 0);
            case FLOAT -> "size=" + sizeOrType;
            case DECL_TAG -> "type=" + sizeOrType + " component_idx=" + (int) btf.word(id, 0);
            case UNKNOWN -> "";
        };
    }

    private static String encoding(int encoding) {
        return switch (encoding) {
            case 0 -> "(none)";
            case 1 -> "SIGNED";
            case 2 -> "CHAR";
            case 4 -> "BOOL";
            default -> "UNKN";
        };
    }

    /** btf_func_proto_log(): "return=1 args=(2 a, 3 b, vararg)". */
    private static String funcProto(RawBtf btf, int id) {
        int n = btf.vlen(id);
        StringBuilder sb = new StringBuilder("return=").append(btf.sizeOrType(id)).append(" args=(");
        if (n == 0) {
            sb.append("void");
        } else if (n == 1 && btf.word(id, 1) == 0) {
            sb.append("vararg");
        } else {
            sb.append(btf.word(id, 1)).append(' ').append(btf.logName(btf.word(id, 0)));
            for (int i = 1; i < n - 1; i++) {
                sb.append(", ").append(btf.word(id, 2 * i + 1)).append(' ').append(btf.logName(btf.word(id, 2 * i)));
            }
            if (n > 1) {
                long type = btf.word(id, 2 * (n - 1) + 1);
                if (type != 0) {
                    sb.append(", ").append(type).append(' ').append(btf.logName(btf.word(id, 2 * (n - 1))));
                } else {
                    sb.append(", vararg");
                }
            }
        }
        return sb.append(')').toString();
    }
}
