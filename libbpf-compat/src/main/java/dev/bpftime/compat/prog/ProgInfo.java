package dev.bpftime.compat.prog;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * BPF_OBJ_GET_INFO_BY_FD for a program: fills struct bpf_prog_info as bpf_prog_get_info_by_fd does
 * (kernel/bpf/syscall.c) for a privileged caller. Offsets: struct bpf_prog_info of
 * include/uapi/linux/bpf.h, 232 bytes since Linux 6.0.
 *
 * <p>jited_prog_insns is the image PROG_LOAD's JIT made (position-independent: each traced process links
 * its own copy, so jited_ksyms holds 0 rather than an address), one function of the image's length; a
 * program the JIT refused runs on the interpreter and reports jited_prog_len 0, as a kernel without a
 * JIT does.
 */
final class ProgInfo {

    static final int SIZE = 232;

    static final int TYPE = 0;
    static final int ID = 4;
    static final int TAG = 8;
    static final int JITED_PROG_LEN = 16;
    static final int XLATED_PROG_LEN = 20;
    static final int JITED_PROG_INSNS = 24;
    static final int XLATED_PROG_INSNS = 32;
    static final int LOAD_TIME = 40;
    static final int CREATED_BY_UID = 48;
    static final int NR_MAP_IDS = 52;
    static final int MAP_IDS = 56;
    static final int NAME = 64;
    static final int IFINDEX = 80;
    /** __u32 gpl_compatible:1 sits in the low bit of the word after ifindex (x86-64, aarch64 bit order). */
    static final int GPL_COMPATIBLE_WORD = 84;
    static final int NR_JITED_KSYMS = 104;
    static final int NR_JITED_FUNC_LENS = 108;
    static final int JITED_KSYMS = 112;
    static final int JITED_FUNC_LENS = 120;
    static final int BTF_ID = 128;
    static final int FUNC_INFO_REC_SIZE = 132;
    static final int NR_FUNC_INFO = 144;
    static final int NR_LINE_INFO = 148;
    static final int NR_JITED_LINE_INFO = 168;
    static final int LINE_INFO_REC_SIZE = 172;
    static final int JITED_LINE_INFO_REC_SIZE = 176;
    static final int NR_PROG_TAGS = 180;
    static final int PROG_TAGS = 184;
    static final int RUN_TIME_NS = 192;
    static final int RUN_CNT = 200;
    static final int RECURSION_MISSES = 208;
    static final int VERIFIED_INSNS = 216;
    static final int ATTACH_BTF_OBJ_ID = 220;
    static final int ATTACH_BTF_ID = 224;

    /** sizeof(struct bpf_func_info), sizeof(struct bpf_line_info), sizeof(__u64) (set_info_rec_size). */
    private static final int FUNC_INFO_REC = 8;
    private static final int LINE_INFO_REC = 16;
    private static final int JITED_LINE_INFO_REC = 8;

    private ProgInfo() {
    }

    /** Fills the caller's info buffer of {@code infoLen} bytes (already checked against SIZE); returns its new length. */
    static int write(BpfProgram prog, long infoAddress, int infoLen, Caller caller) throws BpfException {
        ByteBuffer info = ByteBuffer.wrap(new byte[SIZE]).order(ByteOrder.nativeOrder());
        info.put(0, caller.read(infoAddress, infoLen, "bpf_prog_info"), 0, infoLen);

        info.putInt(TYPE, prog.type().number());
        info.putInt(ID, prog.id());
        info.putLong(LOAD_TIME, prog.loadTimeNs());
        info.putInt(CREATED_BY_UID, prog.createdByUid());
        info.putInt(GPL_COMPATIBLE_WORD, (info.getInt(GPL_COMPATIBLE_WORD) & ~1) | (prog.gplCompatible() ? 1 : 0));
        info.put(TAG, prog.tag());
        byte[] name = new byte[16];
        byte[] chars = prog.name().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(chars, 0, name, 0, chars.length);
        info.put(NAME, name);

        int[] mapIds = prog.mapIds();
        long wantIds = Math.min(Integer.toUnsignedLong(info.getInt(NR_MAP_IDS)), mapIds.length);
        info.putInt(NR_MAP_IDS, mapIds.length);
        if (wantIds != 0) {
            ByteBuffer ids = ByteBuffer.allocate((int) wantIds * 4).order(ByteOrder.nativeOrder());
            for (int i = 0; i < wantIds; i++) {
                ids.putInt(mapIds[i]);
            }
            caller.write(info.getLong(MAP_IDS), ids.array(), "map_ids");
        }
        setRecordSizes(info);
        info.putLong(RUN_TIME_NS, 0);
        info.putLong(RUN_CNT, 0);
        info.putLong(RECURSION_MISSES, 0);
        info.putInt(VERIFIED_INSNS, prog.verifiedInsns());

        byte[] xlated = prog.insns();
        long want = Integer.toUnsignedLong(info.getInt(XLATED_PROG_LEN));
        info.putInt(XLATED_PROG_LEN, xlated.length);
        if (want != 0) {
            caller.write(info.getLong(XLATED_PROG_INSNS), xlated, 0, (int) Math.min(want, xlated.length));
        }

        byte[] jited = prog.image() != null && prog.image().jit() != null ? prog.image().jit().code() : new byte[0];
        long wantJited = Integer.toUnsignedLong(info.getInt(JITED_PROG_LEN));
        info.putInt(JITED_PROG_LEN, jited.length);
        if (wantJited != 0 && jited.length != 0) {
            caller.write(info.getLong(JITED_PROG_INSNS), jited, 0, (int) Math.min(wantJited, jited.length));
        }
        long ksyms = Integer.toUnsignedLong(info.getInt(NR_JITED_KSYMS));
        info.putInt(NR_JITED_KSYMS, 1);
        if (ksyms != 0) {
            caller.write(info.getLong(JITED_KSYMS), new byte[8], "jited_ksyms");
        }
        long funcLens = Integer.toUnsignedLong(info.getInt(NR_JITED_FUNC_LENS));
        info.putInt(NR_JITED_FUNC_LENS, 1);
        if (funcLens != 0) {
            byte[] len = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, jited.length).array();
            caller.write(info.getLong(JITED_FUNC_LENS), len, "jited_func_lens");
        }
        info.putInt(ATTACH_BTF_ID, 0);
        info.putInt(NR_FUNC_INFO, 0);
        info.putInt(NR_LINE_INFO, 0);
        info.putInt(NR_JITED_LINE_INFO, 0);
        long tags = Integer.toUnsignedLong(info.getInt(NR_PROG_TAGS));
        info.putInt(NR_PROG_TAGS, 1);
        if (tags != 0) {
            caller.write(info.getLong(PROG_TAGS), prog.tag(), "prog_tags");
        }
        caller.write(infoAddress, info.array(), 0, infoLen);
        return infoLen;
    }

    /** set_info_rec_size: a record size must be the kernel's or, with a zero count, zero. */
    private static void setRecordSizes(ByteBuffer info) throws BpfException {
        checkRecordSize(info, NR_FUNC_INFO, FUNC_INFO_REC_SIZE, FUNC_INFO_REC, "func_info_rec_size");
        checkRecordSize(info, NR_LINE_INFO, LINE_INFO_REC_SIZE, LINE_INFO_REC, "line_info_rec_size");
        checkRecordSize(info, NR_JITED_LINE_INFO, JITED_LINE_INFO_REC_SIZE, JITED_LINE_INFO_REC,
                "jited_line_info_rec_size");
        info.putInt(FUNC_INFO_REC_SIZE, FUNC_INFO_REC);
        info.putInt(LINE_INFO_REC_SIZE, LINE_INFO_REC);
        info.putInt(JITED_LINE_INFO_REC_SIZE, JITED_LINE_INFO_REC);
    }

    private static void checkRecordSize(ByteBuffer info, int countAt, int sizeAt, int expected, String what)
            throws BpfException {
        int count = info.getInt(countAt);
        int size = info.getInt(sizeAt);
        if ((count != 0 || size != 0) && size != expected) {
            throw new BpfException(Errno.EINVAL, what + ": actual " + Integer.toUnsignedString(size) + " vs expected "
                    + expected + " (or 0 with a zero count)");
        }
    }
}
