package dev.bpftime.compat.attr;

/** BPF_PROG_LOAD: the "anonymous struct used by BPF_PROG_LOAD command" of union bpf_attr. */
public final class ProgLoadAttr {

    public static final AttrField PROG_TYPE = new AttrField("prog_type", 0, 4);
    public static final AttrField INSN_CNT = new AttrField("insn_cnt", 4, 4);
    public static final AttrField INSNS = new AttrField("insns", 8, 8);
    public static final AttrField LICENSE = new AttrField("license", 16, 8);
    public static final AttrField LOG_LEVEL = new AttrField("log_level", 24, 4);
    public static final AttrField LOG_SIZE = new AttrField("log_size", 28, 4);
    public static final AttrField LOG_BUF = new AttrField("log_buf", 32, 8);
    public static final AttrField KERN_VERSION = new AttrField("kern_version", 40, 4);
    public static final AttrField PROG_FLAGS = new AttrField("prog_flags", 44, 4);
    public static final AttrField PROG_NAME = new AttrField("prog_name", 48, 16);
    public static final AttrField PROG_IFINDEX = new AttrField("prog_ifindex", 64, 4);
    public static final AttrField EXPECTED_ATTACH_TYPE = new AttrField("expected_attach_type", 68, 4);
    public static final AttrField PROG_BTF_FD = new AttrField("prog_btf_fd", 72, 4);
    public static final AttrField FUNC_INFO_REC_SIZE = new AttrField("func_info_rec_size", 76, 4);
    public static final AttrField FUNC_INFO = new AttrField("func_info", 80, 8);
    public static final AttrField FUNC_INFO_CNT = new AttrField("func_info_cnt", 88, 4);
    public static final AttrField LINE_INFO_REC_SIZE = new AttrField("line_info_rec_size", 92, 4);
    public static final AttrField LINE_INFO = new AttrField("line_info", 96, 8);
    public static final AttrField LINE_INFO_CNT = new AttrField("line_info_cnt", 104, 4);
    public static final AttrField ATTACH_BTF_ID = new AttrField("attach_btf_id", 108, 4);
    /** Shares its bytes with attach_btf_obj_fd. */
    public static final AttrField ATTACH_PROG_FD = new AttrField("attach_prog_fd", 112, 4);
    public static final AttrField CORE_RELO_CNT = new AttrField("core_relo_cnt", 116, 4);
    public static final AttrField FD_ARRAY = new AttrField("fd_array", 120, 8);
    public static final AttrField CORE_RELOS = new AttrField("core_relos", 128, 8);
    public static final AttrField CORE_RELO_REC_SIZE = new AttrField("core_relo_rec_size", 136, 4);
    /** Output, Linux 6.4 (commit "bpf: Add log_true_size output field"); not in the 6.1 header. */
    public static final AttrField LOG_TRUE_SIZE = new AttrField("log_true_size", 140, 4);

    /** Linux 6.9: a BPF token, read only with BPF_F_TOKEN_FD in prog_flags. */
    public static final AttrField PROG_TOKEN_FD = new AttrField("prog_token_fd", 144, 4);
    /** Linux 6.14: how many descriptors fd_array holds, each bound to the program (process_fd_array). */
    public static final AttrField FD_ARRAY_CNT = new AttrField("fd_array_cnt", 148, 4);
    /** Linux 6.18: a PKCS#7 signature of the instructions, checked against keyring_id's keys. */
    public static final AttrField SIGNATURE = new AttrField("signature", 152, 8);
    public static final AttrField SIGNATURE_SIZE = new AttrField("signature_size", 160, 4);
    public static final AttrField KEYRING_ID = new AttrField("keyring_id", 164, 4);
    /** BPF_PROG_LOAD_LAST_FIELD keyring_id (Linux 6.18; core_relo_rec_size in 6.1). */
    public static final AttrLayout LAYOUT = AttrLayout.of("prog_load", PROG_TYPE, INSN_CNT, INSNS, LICENSE, LOG_LEVEL,
            LOG_SIZE, LOG_BUF, KERN_VERSION, PROG_FLAGS, PROG_NAME, PROG_IFINDEX, EXPECTED_ATTACH_TYPE, PROG_BTF_FD,
            FUNC_INFO_REC_SIZE, FUNC_INFO, FUNC_INFO_CNT, LINE_INFO_REC_SIZE, LINE_INFO, LINE_INFO_CNT, ATTACH_BTF_ID,
            ATTACH_PROG_FD, CORE_RELO_CNT, FD_ARRAY, CORE_RELOS, CORE_RELO_REC_SIZE, LOG_TRUE_SIZE, PROG_TOKEN_FD,
            FD_ARRAY_CNT, SIGNATURE, SIGNATURE_SIZE, KEYRING_ID);

    private ProgLoadAttr() {
    }
}
