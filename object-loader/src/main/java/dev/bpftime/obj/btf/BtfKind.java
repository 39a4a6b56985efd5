package dev.bpftime.obj.btf;

/**
 * The BTF_KIND_* values of include/uapi/linux/btf.h, with the names the kernel prints in its BTF
 * verifier log (btf_kind_str in kernel/bpf/btf.c).
 */
public enum BtfKind {
    UNKNOWN(0, "UNKNOWN"),
    INT(1, "INT"),
    PTR(2, "PTR"),
    ARRAY(3, "ARRAY"),
    STRUCT(4, "STRUCT"),
    UNION(5, "UNION"),
    ENUM(6, "ENUM"),
    FWD(7, "FWD"),
    TYPEDEF(8, "TYPEDEF"),
    VOLATILE(9, "VOLATILE"),
    CONST(10, "CONST"),
    RESTRICT(11, "RESTRICT"),
    FUNC(12, "FUNC"),
    FUNC_PROTO(13, "FUNC_PROTO"),
    VAR(14, "VAR"),
    DATASEC(15, "DATASEC"),
    FLOAT(16, "FLOAT"),
    DECL_TAG(17, "DECL_TAG"),
    TYPE_TAG(18, "TYPE_TAG"),
    ENUM64(19, "ENUM64");

    /** BTF_KIND_MAX: the highest kind a kernel of this generation knows. */
    public static final int MAX = 19;

    private static final BtfKind[] BY_WIRE = values();

    private final int wire;
    private final String logName;

    BtfKind(int wire, String logName) {
        this.wire = wire;
        this.logName = logName;
    }

    /** The value in bits 24-28 of btf_type.info. */
    public int wire() {
        return wire;
    }

    /** The name the kernel's BTF verifier log prints for this kind. */
    public String logName() {
        return logName;
    }

    /** The kind of a wire value 0..{@link #MAX}; callers check the range first. */
    static BtfKind of(int wire) {
        return BY_WIRE[wire];
    }

    /** TYPEDEF, VOLATILE, CONST, RESTRICT and TYPE_TAG: the kernel's btf_type_is_modifier(). */
    public boolean isModifier() {
        return this == TYPEDEF || this == VOLATILE || this == CONST || this == RESTRICT || this == TYPE_TAG;
    }
}
