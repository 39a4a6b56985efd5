package dev.bpftime.obj.btf;

/**
 * State of one verification (the kernel's struct btf_verifier_env) and the refusals it raises, each
 * worded as the kernel's verifier log line for it (kernel/bpf/btf.c __btf_verifier_log_type,
 * btf_verifier_log_member, btf_verifier_log_vsi).
 */
final class VerifierEnv {

    enum Phase { CHECK_META, CHECK_TYPE }

    final RawBtf btf;
    final BtfValidator.Profile profile;
    /** Where accepted types are logged, or null when no log was asked for. */
    final BtfVerifierLog log;
    /** The id the log prefixes lines with: the type being checked or resolved. */
    int logTypeId;
    Phase phase = Phase.CHECK_META;

    VerifierEnv(RawBtf btf, BtfValidator.Profile profile, BtfVerifierLog log) {
        this.btf = btf;
        this.profile = profile;
        this.log = log;
    }

    /** btf_verifier_log_type(env, t, NULL): the line of a type check_meta accepted. */
    void logType(int id) {
        if (log != null) {
            log.line(typeLine(id, true, null));
        }
    }

    /** btf_verifier_log_member(env, t, member, NULL) in CHECK_META. */
    void logMember(int structId, int index) {
        if (log != null) {
            log.line(memberLine(structId, index, btf.word(structId, 3 * index + 1)));
        }
    }

    /** btf_verifier_log_vsi(env, t, vsi, NULL) in CHECK_META. */
    void logVsi(int id, int index) {
        if (log != null) {
            log.line(vsiLine(id, index));
        }
    }

    /** An enumerator as btf_enum_check_meta / btf_enum64_check_meta log it: %u or %d (%llu, %lld) by kind_flag. */
    void logEnumerator(int id, long nameOff, long value, boolean wide) {
        if (log == null) {
            return;
        }
        String v;
        // kind_flag marks a signed enum
        if (wide) {
            v = btf.kflag(id) ? Long.toString(value) : Long.toUnsignedString(value);
        } else {
            v = btf.kflag(id) ? Integer.toString((int) value) : Long.toString(value & 0xffffffffL);
        }
        log.line("\t" + btf.logName(nameOff) + " val=" + v);
    }

    /** Whether the blob is an object's .BTF as clang wrote it, before libbpf's fix-ups. */
    boolean object() {
        return profile == BtfValidator.Profile.OBJECT;
    }

    /** A refusal logged without a type ("Invalid magic", "[3] Invalid kind:0"): btf_verifier_log(), no newline. */
    BtfException plain(int errno, String log, String detail, long offset) {
        return new BtfException(errno, log, detail, 0, offset, false);
    }

    /** btf_verifier_log_type(): "[id] KIND name details msg". */
    BtfException type(int id, String msg, String detail) {
        return type(Errno.EINVAL, id, msg, detail);
    }

    BtfException type(int errno, int id, String msg, String detail) {
        return new BtfException(errno, typeLine(id, true, msg), detail, logTypeId, btf.offset(id), true);
    }

    /** btf_verifier_log_basic(): "[id] KIND name msg", without the kind's details. */
    BtfException basic(int id, String msg, String detail) {
        return new BtfException(Errno.EINVAL, typeLine(id, false, msg), detail, logTypeId, btf.offset(id), true);
    }

    /**
     * btf_verifier_log_member() for member {@code index} of struct/union {@code structId}, printing
     * {@code memberType} as its type id (the kernel prints the resolved id after a modifier).
     */
    BtfException member(int structId, int index, long memberType, String msg, String detail) {
        long at = btf.wordOffset(structId, index * 3);
        return new BtfException(Errno.EINVAL, context(structId) + memberLine(structId, index, memberType) + " " + msg,
                "member " + index + (detail.isEmpty() ? "" : ": " + detail), logTypeId, at, true);
    }

    private String memberLine(int structId, int index, long memberType) {
        long at = btf.wordOffset(structId, index * 3);
        long nameOff = btf.u32(at);
        long offset = btf.u32(at + 8);
        return btf.kflag(structId)
                ? "\t" + btf.logName(nameOff) + " type_id=" + memberType + " bitfield_size=" + (offset >>> 24)
                        + " bits_offset=" + (offset & 0xffffff)
                : "\t" + btf.logName(nameOff) + " type_id=" + memberType + " bits_offset=" + offset;
    }

    /** btf_verifier_log_vsi() for entry {@code index} of DATASEC {@code id}. */
    BtfException vsi(int id, int index, String msg, String detail) {
        long at = btf.wordOffset(id, index * 3);
        return new BtfException(Errno.EINVAL, context(id) + vsiLine(id, index) + " " + msg,
                "variable " + index + (detail.isEmpty() ? "" : ": " + detail), logTypeId, at, true);
    }

    private String vsiLine(int id, int index) {
        long at = btf.wordOffset(id, index * 3);
        return "\t type_id=" + btf.u32(at) + " offset=" + btf.u32(at + 4) + " size=" + btf.u32(at + 8);
    }

    /** In the CHECK_TYPE phase a member line follows the line of its struct; in CHECK_META that was logged already. */
    private String context(int id) {
        return phase == Phase.CHECK_META ? "" : typeLine(id, true, null) + "\n";
    }

    String typeLine(int id, boolean details, String msg) {
        StringBuilder sb = new StringBuilder();
        sb.append('[').append(Integer.toUnsignedString(logTypeId)).append("] ")
                .append(BtfKind.of(btf.kind(id)).logName()).append(' ')
                .append(btf.logName(btf.nameOff(id)));
        if (details) {
            sb.append(' ').append(LogDetails.of(btf, id));
        }
        if (msg != null && !msg.isEmpty()) {
            sb.append(' ').append(msg);
        }
        return sb.toString();
    }
}
