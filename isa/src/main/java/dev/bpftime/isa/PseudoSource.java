package dev.bpftime.isa;

/**
 * What the source field of a 64-bit immediate load means (include/uapi/linux/bpf.h BPF_PSEUDO_*;
 * RFC 9669 section 5.4). The loader or the kernel replaces the immediate before the program runs.
 */
public enum PseudoSource {
    /** A plain 64-bit constant. */
    IMM64(0),
    /** BPF_PSEUDO_MAP_FD: imm is a map file descriptor; becomes the map's address. */
    MAP_FD(1),
    /** BPF_PSEUDO_MAP_VALUE: imm is a map fd, the second half's imm an offset into its value. */
    MAP_VALUE(2),
    /** BPF_PSEUDO_BTF_ID: imm is a kernel BTF type id of a variable (ksym). */
    BTF_ID(3),
    /** BPF_PSEUDO_FUNC: imm is a relative instruction offset of a subprogram (callbacks). */
    FUNC(4),
    /** BPF_PSEUDO_MAP_IDX: imm is an index into the fd_array given at load. */
    MAP_IDX(5),
    /** BPF_PSEUDO_MAP_IDX_VALUE: like MAP_VALUE, the map found through fd_array. */
    MAP_IDX_VALUE(6);

    private static final PseudoSource[] BY_CODE = values();
    private final int code;

    PseudoSource(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static PseudoSource ofOrNull(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
