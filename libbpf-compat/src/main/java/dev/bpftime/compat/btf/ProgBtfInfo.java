package dev.bpftime.compat.btf;

import static dev.bpftime.compat.attr.ProgLoadAttr.FUNC_INFO;
import static dev.bpftime.compat.attr.ProgLoadAttr.FUNC_INFO_CNT;
import static dev.bpftime.compat.attr.ProgLoadAttr.FUNC_INFO_REC_SIZE;
import static dev.bpftime.compat.attr.ProgLoadAttr.LINE_INFO;
import static dev.bpftime.compat.attr.ProgLoadAttr.LINE_INFO_CNT;
import static dev.bpftime.compat.attr.ProgLoadAttr.LINE_INFO_REC_SIZE;
import static dev.bpftime.compat.attr.ProgLoadAttr.PROG_BTF_FD;
import static dev.bpftime.compat.prog.VerifierLog.NO_NEWLINE;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.AttrRules;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.obj.btf.Btf;
import dev.bpftime.obj.btf.BtfType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * PROG_LOAD's prog_btf_fd, func_info and line_info, checked as kernel/bpf/verifier.c does:
 * {@link #early} is check_btf_info_early / check_btf_func_early (before the instructions are walked),
 * {@link #late} is check_btf_func / check_btf_line (once the subprograms are known). The refusals'
 * reasons are the kernel's verifier log lines.
 */
public final class ProgBtfInfo {

    /** MIN_BPF_FUNCINFO_SIZE, MIN_BPF_LINEINFO_SIZE, MAX_FUNCINFO_REC_SIZE (include/linux/bpf.h, verifier.c). */
    static final int MIN_FUNC_REC = 8;
    static final int MIN_LINE_REC = 16;
    static final int MAX_REC = 252;

    private final Btf btf;
    private final int[] funcInsnOffs;
    private final Attr attr;
    private final Caller caller;

    private ProgBtfInfo(Btf btf, int[] funcInsnOffs, Attr attr, Caller caller) {
        this.btf = btf;
        this.funcInsnOffs = funcInsnOffs;
        this.attr = attr;
        this.caller = caller;
    }

    /** The program's BTF when func_info or line_info came with it, else null. */
    public Btf btf() {
        return btf;
    }

    public static ProgBtfInfo early(Attr attr, Caller caller) throws BpfException {
        int nfuncs = attr.u32(FUNC_INFO_CNT);
        if (nfuncs == 0 && attr.u32(LINE_INFO_CNT) == 0) {
            return new ProgBtfInfo(null, new int[0], attr, caller);
        }
        int fd = attr.u32(PROG_BTF_FD);
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADF, "prog_btf_fd " + fd + " is not an open descriptor");
        }
        if (!(ref instanceof FdRef.Object o) || !(o.object() instanceof BtfObject b)) {
            throw new BpfException(Errno.EINVAL, "prog_btf_fd " + fd + " is not a BTF object");
        }
        Btf btf = b.btf();
        if (nfuncs == 0) {
            return new ProgBtfInfo(btf, new int[0], attr, caller);
        }
        int recSize = attr.u32(FUNC_INFO_REC_SIZE);
        if (Integer.compareUnsigned(recSize, MIN_FUNC_REC) < 0 || Integer.compareUnsigned(recSize, MAX_REC) > 0
                || recSize % 4 != 0) {
            throw new BpfException(Errno.EINVAL, "invalid func info rec size " + Integer.toUnsignedString(recSize));
        }
        long base = attr.u64(FUNC_INFO);
        int[] offs = new int[nfuncs < 0 || nfuncs > 1_000_000 ? 0 : nfuncs];
        if (offs.length != nfuncs) {
            throw new BpfException(Errno.EINVAL, "func_info_cnt " + Integer.toUnsignedString(nfuncs) + " is too large");
        }
        long prev = -1;
        for (int i = 0; i < nfuncs; i++) {
            long at = base + (long) i * recSize;
            if (recSize > MIN_FUNC_REC) {
                tailZero(caller, at, MIN_FUNC_REC, recSize, "nonzero tailing record in func info" + NO_NEWLINE);
            }
            ByteBuffer rec = ByteBuffer.wrap(caller.read(at, MIN_FUNC_REC, "func_info[" + i + "]"))
                    .order(ByteOrder.nativeOrder());
            long insnOff = Integer.toUnsignedLong(rec.getInt(0));
            long typeId = Integer.toUnsignedLong(rec.getInt(4));
            if (i == 0 && insnOff != 0) {
                throw new BpfException(Errno.EINVAL, "nonzero insn_off " + insnOff + " for the first func info record" + NO_NEWLINE);
            }
            if (i > 0 && insnOff <= prev) {
                throw new BpfException(Errno.EINVAL, "same or smaller insn offset (" + insnOff
                        + ") than previous func info record (" + prev + ")");
            }
            if (typeId >= btf.typeCount() || !(btf.type(typeId) instanceof BtfType.Func f)
                    || !(btf.type(f.type()) instanceof BtfType.FuncProto)) {
                throw new BpfException(Errno.EINVAL, "invalid type id " + (int) typeId + " in func info" + NO_NEWLINE);
            }
            prev = insnOff;
            offs[i] = (int) insnOff;
        }
        return new ProgBtfInfo(btf, offs, attr, caller);
    }

    /** check_btf_func and check_btf_line against the program's instructions. */
    public void late(byte[] insns) throws BpfException {
        if (btf == null) {
            return;
        }
        int len = insns.length / 8;
        ByteBuffer code = ByteBuffer.wrap(insns).order(ByteOrder.nativeOrder());
        List<Integer> subprogs = subprogStarts(code, len);
        if (funcInsnOffs.length > 0) {
            if (funcInsnOffs.length != subprogs.size()) {
                throw new BpfException(Errno.EINVAL, "number of funcs in func_info doesn't match number of subprogs");
            }
            for (int i = 0; i < funcInsnOffs.length; i++) {
                if (funcInsnOffs[i] != subprogs.get(i)) {
                    throw new BpfException(Errno.EINVAL, "func_info BTF section doesn't match subprog layout in BPF "
                            + "program");
                }
            }
        }
        checkLines(code, len, subprogs);
    }

    private void checkLines(ByteBuffer code, int len, List<Integer> subprogs) throws BpfException {
        int n = attr.u32(LINE_INFO_CNT);
        if (n == 0) {
            return;
        }
        if (Integer.toUnsignedLong(n) > Integer.MAX_VALUE / MIN_LINE_REC) {
            throw new BpfException(Errno.EINVAL, "line_info_cnt " + Integer.toUnsignedString(n) + " is too large");
        }
        int recSize = attr.u32(LINE_INFO_REC_SIZE);
        if (Integer.compareUnsigned(recSize, MIN_LINE_REC) < 0 || Integer.compareUnsigned(recSize, MAX_REC) > 0
                || recSize % 4 != 0) {
            throw new BpfException(Errno.EINVAL, "line_info_rec_size " + Integer.toUnsignedString(recSize)
                    + " is not a multiple of 4 in " + MIN_LINE_REC + ".." + MAX_REC);
        }
        long base = attr.u64(LINE_INFO);
        long prev = 0;
        int s = 0;
        for (int i = 0; i < n; i++) {
            long at = base + (long) i * recSize;
            if (recSize > MIN_LINE_REC) {
                tailZero(caller, at, MIN_LINE_REC, recSize, "nonzero tailing record in line_info");
            }
            ByteBuffer rec = ByteBuffer.wrap(caller.read(at, MIN_LINE_REC, "line_info[" + i + "]"))
                    .order(ByteOrder.nativeOrder());
            long insnOff = Integer.toUnsignedLong(rec.getInt(0));
            long fileNameOff = Integer.toUnsignedLong(rec.getInt(4));
            long lineOff = Integer.toUnsignedLong(rec.getInt(8));
            if ((i > 0 && insnOff <= prev) || insnOff >= len) {
                throw new BpfException(Errno.EINVAL, "Invalid line_info[" + i + "].insn_off:" + insnOff + " (prev_offset:"
                        + prev + " prog->len:" + len + ")");
            }
            if (code.get((int) insnOff * 8) == 0) {
                throw new BpfException(Errno.EINVAL, "Invalid insn code at line_info[" + i + "].insn_off");
            }
            if (!btf.isStringOffset(lineOff) || !btf.isStringOffset(fileNameOff)) {
                throw new BpfException(Errno.EINVAL, "Invalid line_info[" + i + "].line_off or .file_name_off");
            }
            if (s != subprogs.size()) {
                if (insnOff == subprogs.get(s)) {
                    s++;
                } else if (subprogs.get(s) < insnOff) {
                    throw new BpfException(Errno.EINVAL, "missing bpf_line_info for func#" + s);
                }
            }
            prev = insnOff;
        }
        if (s != subprogs.size()) {
            throw new BpfException(Errno.EINVAL, "missing bpf_line_info for " + (subprogs.size() - s)
                    + " funcs starting from func#" + s);
        }
    }

    private static void tailZero(Caller caller, long at, int known, int recSize, String reason) throws BpfException {
        try {
            AttrRules.checkTailZero(caller, at, known, recSize, "record");
        } catch (BpfException e) {
            throw new BpfException(e.errno(), e.errno() == Errno.E2BIG ? reason : e.reason());
        }
    }

    /** Where each subprogram starts: 0 and every bpf-to-bpf call target (add_subprog_and_kfunc). */
    static List<Integer> subprogStarts(ByteBuffer code, int len) {
        TreeSet<Integer> starts = new TreeSet<>();
        starts.add(0);
        for (int i = 0; i < len; i++) {
            int op = code.get(i * 8) & 0xff;
            int src = (code.get(i * 8 + 1) >>> 4) & 0x0f;
            if (op == 0x85 && src == 1) {
                starts.add(i + code.getInt(i * 8 + 4) + 1);
            } else if (op == 0x18 && src == 4) {
                // BPF_PSEUDO_FUNC: a callback's address is a subprogram start too.
                starts.add(i + code.getInt(i * 8 + 4) + 1);
            }
        }
        return new ArrayList<>(starts);
    }
}
