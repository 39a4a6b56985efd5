package dev.bpftime.compat.attr;

/**
 * The bpf() commands of enum bpf_cmd (include/uapi/linux/bpf.h, Linux 6.18: 0..37) with the attr
 * layout each reads. A number outside this list is an unknown command: EINVAL, as __sys_bpf's
 * default case.
 */
public enum BpfCmd {
    MAP_CREATE(0, MapCreateAttr.LAYOUT),
    MAP_LOOKUP_ELEM(1, MapElemAttr.WITH_FLAGS),
    MAP_UPDATE_ELEM(2, MapElemAttr.WITH_FLAGS),
    MAP_DELETE_ELEM(3, MapElemAttr.DELETE),
    MAP_GET_NEXT_KEY(4, MapElemAttr.GET_NEXT_KEY),
    PROG_LOAD(5, ProgLoadAttr.LAYOUT),
    OBJ_PIN(6, ObjPinAttr.LAYOUT),
    OBJ_GET(7, ObjPinAttr.LAYOUT),
    PROG_ATTACH(8, ProgAttachAttr.ATTACH),
    PROG_DETACH(9, ProgAttachAttr.DETACH),
    PROG_TEST_RUN(10, TestRunAttr.LAYOUT),
    PROG_GET_NEXT_ID(11, IdAttr.GET_NEXT_ID),
    MAP_GET_NEXT_ID(12, IdAttr.GET_NEXT_ID),
    PROG_GET_FD_BY_ID(13, IdAttr.PROG_GET_FD_BY_ID),
    MAP_GET_FD_BY_ID(14, IdAttr.MAP_GET_FD_BY_ID),
    OBJ_GET_INFO_BY_FD(15, InfoAttr.LAYOUT),
    PROG_QUERY(16, QueryAttr.LAYOUT),
    RAW_TRACEPOINT_OPEN(17, RawTracepointAttr.LAYOUT),
    BTF_LOAD(18, BtfLoadAttr.LAYOUT),
    BTF_GET_FD_BY_ID(19, IdAttr.BTF_GET_FD_BY_ID),
    TASK_FD_QUERY(20, TaskFdQueryAttr.LAYOUT),
    MAP_LOOKUP_AND_DELETE_ELEM(21, MapElemAttr.WITH_FLAGS),
    MAP_FREEZE(22, MapElemAttr.FREEZE),
    BTF_GET_NEXT_ID(23, IdAttr.GET_NEXT_ID),
    MAP_LOOKUP_BATCH(24, MapBatchAttr.LAYOUT),
    MAP_LOOKUP_AND_DELETE_BATCH(25, MapBatchAttr.LAYOUT),
    MAP_UPDATE_BATCH(26, MapBatchAttr.LAYOUT),
    MAP_DELETE_BATCH(27, MapBatchAttr.LAYOUT),
    LINK_CREATE(28, LinkCreateAttr.LAYOUT),
    LINK_UPDATE(29, LinkAttr.UPDATE),
    LINK_GET_FD_BY_ID(30, IdAttr.LINK_GET_FD_BY_ID),
    LINK_GET_NEXT_ID(31, IdAttr.GET_NEXT_ID),
    ENABLE_STATS(32, MiscAttr.ENABLE_STATS),
    ITER_CREATE(33, LinkAttr.ITER_CREATE),
    LINK_DETACH(34, LinkAttr.DETACH),
    PROG_BIND_MAP(35, MiscAttr.PROG_BIND_MAP),
    TOKEN_CREATE(36, MiscAttr.TOKEN_CREATE),
    PROG_STREAM_READ_BY_FD(37, MiscAttr.PROG_STREAM_READ);

    private static final BpfCmd[] BY_NUMBER = values();

    private final int number;
    private final AttrLayout layout;

    BpfCmd(int number, AttrLayout layout) {
        this.number = number;
        this.layout = layout;
    }

    public int number() {
        return number;
    }

    public AttrLayout layout() {
        return layout;
    }

    /** The command with this number, or null for an unknown one. */
    public static BpfCmd ofOrNull(long number) {
        return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[(int) number] : null;
    }

    /** The kernel's name, as strace and the log show it ("BPF_PROG_LOAD"). */
    public String kernelName() {
        return "BPF_" + name();
    }
}
