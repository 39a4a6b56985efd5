package dev.bpftime.obj.btf;

import java.nio.ByteOrder;

/**
 * Checks a raw BTF blob as BPF_BTF_LOAD does (kernel/bpf/btf.c btf_parse, Linux 6.18): the same verdict,
 * the same errno and the kernel's log line for the refusal. Not checked: the special fields of structs
 * (bpf_spin_lock, bpf_list_head, bpf_rb_root, kptr...) that btf_parse_struct_metas() validates, partly
 * against the running kernel's own BTF.
 */
public final class BtfValidator {

    /** BTF_MAX_SIZE: larger blobs are refused with E2BIG before anything is read. */
    public static final int MAX_SIZE = 16 * 1024 * 1024;

    /** Which rules apply. */
    public enum Profile {
        /** Exactly the kernel's, for BPF_BTF_LOAD. */
        KERNEL,
        /**
         * The kernel's, less what libbpf fixes up in an object's .BTF before loading it (tools/lib/bpf/
         * libbpf.c btf_fixup_datasec, bpf_object__collect_externs): clang leaves DATASEC sizes and
         * variable offsets zero, and writes extern variables and functions (linkage 2) and extern
         * functions among the variables of .ksyms.
         */
        OBJECT
    }

    private BtfValidator() {
    }

    /** Validates {@code data} read in byte order {@code order} with the kernel's rules. */
    public static void validate(byte[] data, ByteOrder order) {
        verified(data, order, Profile.KERNEL);
    }

    public static void validate(byte[] data, ByteOrder order, Profile profile) {
        verified(data, order, profile);
    }

    /** The verified blob with its resolved types, for decoding. */
    static TypeGraph verified(byte[] data, ByteOrder order, Profile profile) {
        return verified(data, order, profile, null);
    }

    /** The same, writing the kernel's verifier log to {@code log} (null for none), the refusal included. */
    static TypeGraph verified(byte[] data, ByteOrder order, Profile profile, BtfVerifierLog log) {
        if (data.length > MAX_SIZE) {
            throw new BtfException(Errno.E2BIG, "", "blob size: actual " + data.length + " bytes vs expected at most "
                    + MAX_SIZE + " (BTF_MAX_SIZE)", 0, -1);
        }
        try {
            BtfHeader header = HeaderCheck.parse(data, order, log);
            HeaderCheck.checkStrings(data, header);
            HeaderCheck.checkTypeSection(header);
            VerifierEnv env = new VerifierEnv(new RawBtf(data, order, header), profile, log);
            MetaCheck.checkAll(env);
            TypeGraph graph = TypeResolver.checkAll(env);
            TypeTagOrder.check(env);
            return graph;
        } catch (BtfException e) {
            if (log != null) {
                log.refusal(e);
            }
            throw e;
        }
    }
}
