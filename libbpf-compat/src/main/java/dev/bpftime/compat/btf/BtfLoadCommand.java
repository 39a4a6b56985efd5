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
import dev.bpftime.obj.btf.BtfValidator;

/**
 * BPF_BTF_LOAD in the order of kernel/bpf/btf.c btf_parse: btf_size above BTF_MAX_SIZE is E2BIG before
 * anything else, then the log attributes (bpf_vlog_init, EINVAL), then the blob is copied (EFAULT), then
 * verified. The log is finalized on success and failure alike (finalize_log): a short buffer turns the
 * verdict into ENOSPC and log_true_size is written when the caller's attr reaches it.
 *
 * <p>Known difference: on a refusal the log holds the kernel's line for the refusal only; the kernel
 * also logs the header fields and a line per type checked before it (btf_verifier_log_hdr and each
 * kind's check_meta), so its log_true_size is larger. On success with a log level the log holds the
 * header's lines (btf_verifier_log_hdr) but not the kernel's line per type, so an unwritable log buffer
 * faults (EFAULT) as the kernel's, while log_true_size is smaller than the kernel's.
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
        try {
            btf = Btf.load(blob);
        } catch (BtfException e) {
            refusal = new BpfException(e.errno(), e.getMessage());
            if (!e.kernelLog().isEmpty()) {
                log.line(e.kernelLog());
            }
        }
        if (refusal == null) {
            logHeader(log, blob);
        }
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

    /** btf_verifier_log_hdr (kernel/bpf/btf.c): struct btf_header's fields, in the host's byte order. */
    private static void logHeader(VerifierLog log, byte[] blob) {
        java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(blob).order(java.nio.ByteOrder.nativeOrder());
        log.line("magic: 0x" + Integer.toHexString(Short.toUnsignedInt(h.getShort(0))));
        log.line("version: " + Byte.toUnsignedInt(h.get(2)));
        log.line("flags: 0x" + Integer.toHexString(Byte.toUnsignedInt(h.get(3))));
        String[] names = {"hdr_len", "type_off", "type_len", "str_off", "str_len"};
        for (int i = 0; i < names.length; i++) {
            log.line(names[i] + ": " + Integer.toUnsignedString(h.getInt(4 + 4 * i)));
        }
        log.line("btf_total_size: " + blob.length);
    }
}
