package dev.bpftime.obj.btf;

/** enum bpf_core_relo_kind (include/uapi/linux/bpf.h): what a CO-RE relocation asks of the target type. */
public enum CoreReloKind {
    FIELD_BYTE_OFFSET,
    FIELD_BYTE_SIZE,
    FIELD_EXISTS,
    FIELD_SIGNED,
    FIELD_LSHIFT_U64,
    FIELD_RSHIFT_U64,
    TYPE_ID_LOCAL,
    TYPE_ID_TARGET,
    TYPE_EXISTS,
    TYPE_SIZE,
    ENUMVAL_EXISTS,
    ENUMVAL_VALUE,
    TYPE_MATCHES;

    private static final CoreReloKind[] BY_WIRE = values();

    /** The value in struct bpf_core_relo.kind. */
    public int wire() {
        return ordinal();
    }

    static boolean known(long wire) {
        return wire >= 0 && wire < BY_WIRE.length;
    }

    static CoreReloKind of(long wire) {
        return BY_WIRE[(int) wire];
    }
}
