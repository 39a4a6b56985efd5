package dev.bpftime.obj.btf;

/**
 * The one refusal of malformed BTF or .BTF.ext. It carries the errno BPF_BTF_LOAD returns for the same
 * input, the line the kernel's BTF verifier logs for it ({@link #kernelLog()}, e.g. {@code "[7] STRUCT foo
 * size=8 vlen=2 Invalid member bits_offset"}; a member or section-info line may follow the type line), and
 * a message that adds what was found against what was expected and where: the type id when the problem
 * is in a type, and the byte offset in the blob.
 */
public final class BtfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String kernelLog;
    private final int typeId;
    private final long offset;
    private final boolean endsLine;

    /**
     * @param typeId the type the problem is in, 0 when it is not in a type (header, sections)
     * @param offset the byte offset in the blob of the malformed field, -1 when there is none
     */
    public BtfException(int errno, String kernelLog, String detail, int typeId, long offset) {
        this(errno, kernelLog, detail, typeId, offset, false);
    }

    /** @param endsLine whether the kernel ends the log text with a newline (btf_verifier_log_type does) */
    BtfException(int errno, String kernelLog, String detail, int typeId, long offset, boolean endsLine) {
        super(message(errno, kernelLog, detail, typeId, offset));
        this.errno = errno;
        this.kernelLog = kernelLog;
        this.typeId = typeId;
        this.offset = offset;
        this.endsLine = endsLine;
    }

    private static String message(int errno, String kernelLog, String detail, int typeId, long offset) {
        StringBuilder sb = new StringBuilder("BTF");
        if (typeId != 0) {
            sb.append(" type [").append(Integer.toUnsignedString(typeId)).append(']');
        }
        if (offset >= 0) {
            sb.append(" at byte offset 0x").append(Long.toHexString(offset));
        }
        String log = kernelLog.strip().replace("\n", " / ").replace('\t', ' ');
        sb.append(": ").append(log);
        if (detail != null && !detail.isEmpty()) {
            sb.append(log.isEmpty() ? "" : ": ").append(detail);
        }
        return sb.append(" (").append(Errno.name(errno)).append(')').toString();
    }

    /** The positive errno BPF_BTF_LOAD fails with for this input (EINVAL, E2BIG, EEXIST, ELOOP, ENOTSUPP). */
    public int errno() {
        return errno;
    }

    /** The kernel's verifier log text for this refusal, without the trailing newline. */
    public String kernelLog() {
        return kernelLog;
    }

    /**
     * Whether the kernel's log ends this refusal with a newline: the per-type loggers do, while a plain
     * btf_verifier_log() of a header or section refusal ("Invalid magic") does not.
     */
    public boolean endsLine() {
        return endsLine;
    }

    /** The type id the problem is in, or 0 when it is in the header or the section layout. */
    public int typeId() {
        return typeId;
    }

    /** The byte offset in the blob of the malformed field, or -1. */
    public long offset() {
        return offset;
    }
}
