package dev.bpftime.compat.btf;

import static dev.bpftime.compat.attr.BtfLoadAttr.BTF;
import static dev.bpftime.compat.attr.BtfLoadAttr.BTF_FLAGS;
import static dev.bpftime.compat.attr.BtfLoadAttr.BTF_LOG_BUF;
import static dev.bpftime.compat.attr.BtfLoadAttr.BTF_LOG_LEVEL;
import static dev.bpftime.compat.attr.BtfLoadAttr.BTF_LOG_SIZE;
import static dev.bpftime.compat.attr.BtfLoadAttr.BTF_LOG_TRUE_SIZE;
import static dev.bpftime.compat.attr.BtfLoadAttr.BTF_SIZE;
import static dev.bpftime.compat.attr.BtfLoadAttr.BTF_TOKEN_FD;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.objects.BpfTokens;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.VerifierLog;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.Outcome;
import dev.bpftime.obj.btf.Btf;
import dev.bpftime.obj.btf.BtfException;
import dev.bpftime.obj.btf.BtfVerifierLog;
import dev.bpftime.obj.btf.BtfValidator;

/**
 * BPF_BTF_LOAD in the order of kernel/bpf/syscall.c bpf_btf_load (btf_flags, then its token: Linux 6.9)
 * and kernel/bpf/btf.c btf_parse: btf_size above BTF_MAX_SIZE is E2BIG, then the log attributes
 * (bpf_vlog_init, EINVAL), then the blob is copied (EFAULT), then verified. The log is finalized on success and failure alike (finalize_log): a short buffer turns the
 * verdict into ENOSPC and log_true_size is written when the caller's attr reaches it.
 *
 * <p>The log is the kernel's byte for byte (BtfVerifierLog): the header's fields, a line per type as
 * it is accepted (with its members, enumerators and DATASEC variables), and the refusal.
 */
public final class BtfLoadCommand implements CommandHandler {

    private final ObjectTable objects;

    public BtfLoadCommand(ObjectTable objects) {
        this.objects = objects;
    }

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        // bpf_btf_load (kernel/bpf/syscall.c, Linux 6.18) before btf_parse: the flags, then the token
        int flags = attr.u32(BTF_FLAGS);
        if ((flags & ~BpfTokens.F_TOKEN_FD) != 0) {
            throw new BpfException(Errno.EINVAL, String.format("btf_flags: actual 0x%x vs expected 0 or BPF_F_TOKEN_FD",
                    flags));
        }
        if (flags != 0) {
            throw BpfTokens.refused(caller, attr.u32(BTF_TOKEN_FD), "btf_token_fd");
        }
        long size = Integer.toUnsignedLong(attr.u32(BTF_SIZE));
        if (size > BtfValidator.MAX_SIZE) {
            throw new BpfException(Errno.E2BIG, "btf_size: actual " + size + " vs expected at most "
                    + BtfValidator.MAX_SIZE + " (BTF_MAX_SIZE)");
        }
        VerifierLog log = VerifierLog.open(attr.u32(BTF_LOG_LEVEL), attr.u64(BTF_LOG_BUF), attr.u32(BTF_LOG_SIZE));
        byte[] blob = caller.read(attr.u64(BTF), (int) size, "btf");
        Btf btf = null;
        BpfException refusal = null;
        BtfVerifierLog btfLog = new BtfVerifierLog();
        try {
            btf = Btf.load(blob, btfLog);
        } catch (BtfException e) {
            refusal = new BpfException(e.errno(), e.getMessage());
        }
        log.bytes(btfLog.bytes());
        VerifierLog.Result written = log.finish(caller);
        if (attr.userSize() >= BTF_LOG_TRUE_SIZE.end()) {
            attr.putU32(BTF_LOG_TRUE_SIZE, written.trueSize());
        }
        if (written.errno() != 0) {
            throw new BpfException(written.errno(), written.errno() == Errno.ENOSPC
                    ? "btf_log_size " + Integer.toUnsignedString(attr.u32(BTF_LOG_SIZE)) + " < log_true_size "
                            + written.trueSize()
                    : "btf_log_buf is not writable");
        }
        if (refusal != null) {
            throw refusal;
        }
        return Outcome.newFd(objects.register(new BtfObject(btf)));
    }
}
