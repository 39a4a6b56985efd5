package dev.bpftime.compat.prog;

import static dev.bpftime.compat.attr.ProgLoadAttr.ATTACH_BTF_ID;
import static dev.bpftime.compat.attr.ProgLoadAttr.ATTACH_PROG_FD;
import static dev.bpftime.compat.attr.ProgLoadAttr.EXPECTED_ATTACH_TYPE;
import static dev.bpftime.compat.attr.ProgLoadAttr.FD_ARRAY;
import static dev.bpftime.compat.attr.ProgLoadAttr.FD_ARRAY_CNT;
import static dev.bpftime.compat.attr.ProgLoadAttr.INSNS;
import static dev.bpftime.compat.attr.ProgLoadAttr.INSN_CNT;
import static dev.bpftime.compat.attr.ProgLoadAttr.LICENSE;
import static dev.bpftime.compat.attr.ProgLoadAttr.LOG_BUF;
import static dev.bpftime.compat.attr.ProgLoadAttr.LOG_LEVEL;
import static dev.bpftime.compat.attr.ProgLoadAttr.LOG_SIZE;
import static dev.bpftime.compat.attr.ProgLoadAttr.LOG_TRUE_SIZE;
import static dev.bpftime.compat.attr.ProgLoadAttr.PROG_FLAGS;
import static dev.bpftime.compat.attr.ProgLoadAttr.PROG_NAME;
import static dev.bpftime.compat.attr.ProgLoadAttr.PROG_TOKEN_FD;
import static dev.bpftime.compat.attr.ProgLoadAttr.PROG_TYPE;
import static dev.bpftime.compat.attr.ProgLoadAttr.SIGNATURE;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.objects.BpfTokens;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * BPF_PROG_LOAD, in the order of the kernel's bpf_prog_load and bpf_check (kernel/bpf/syscall.c,
 * kernel/bpf/verifier.c), so that a call with several faults gets the kernel's errno for the first:
 * flags, instruction count, attach target, instructions (EFAULT), license (EFAULT), program type,
 * name, log attributes, then the checks whose failures are written to the log.
 */
public final class ProgLoadCommand implements CommandHandler {

    /** BPF_COMPLEXITY_LIMIT_INSNS: the limit for a privileged loader, which every user of this runtime is. */
    public static final int MAX_INSNS = 1_000_000;
    /** BPF_F_STRICT_ALIGNMENT ... BPF_F_XDP_HAS_FRAGS: the prog_flags Linux 6.1 knows. */
    static final int KNOWN_FLAGS = 0xff | BpfTokens.F_TOKEN_FD;
    /** The license is read with strncpy_from_user into char license[128]. */
    static final int LICENSE_MAX = 127;

    private final ObjectTable objects;
    private final ProgramVerifier verifier;
    private final LongSupplier boottimeNanos;
    private final ProgTag.Algorithm tagAlgorithm;

    public ProgLoadCommand(ObjectTable objects, ProgramVerifier verifier, LongSupplier boottimeNanos,
            ProgTag.Algorithm tagAlgorithm) {
        this.objects = objects;
        this.verifier = verifier;
        this.boottimeNanos = boottimeNanos;
        this.tagAlgorithm = tagAlgorithm;
    }

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        int flags = attr.u32(PROG_FLAGS);
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new BpfException(Errno.EINVAL, String.format("prog_flags: actual 0x%x vs expected bits of 0x%x", flags,
                    KNOWN_FLAGS));
        }
        if ((flags & BpfTokens.F_TOKEN_FD) != 0) {
            throw BpfTokens.refused(caller, attr.u32(PROG_TOKEN_FD), "prog_token_fd");
        }
        long count = Integer.toUnsignedLong(attr.u32(INSN_CNT));
        if (count == 0 || count > MAX_INSNS) {
            throw new BpfException(Errno.E2BIG, "insn_cnt: actual " + count + " vs expected 1.." + MAX_INSNS);
        }
        // The types this runtime runs attach to nothing by BTF id or by another program
        // (bpf_prog_load_check_attach allows those for TRACING, LSM, STRUCT_OPS and EXT only).
        if (attr.u32(ATTACH_BTF_ID) != 0 || attr.u32(ATTACH_PROG_FD) != 0) {
            throw new BpfException(Errno.EINVAL, "attach_btf_id " + Integer.toUnsignedString(attr.u32(ATTACH_BTF_ID))
                    + " / attach_prog_fd " + attr.u32(ATTACH_PROG_FD) + ": no program type here attaches by BTF id");
        }
        byte[] insns = caller.read(attr.u64(INSNS), (int) count * 8, "insns");
        String license = new String(caller.readCString(attr.u64(LICENSE), LICENSE_MAX, "license"),
                StandardCharsets.ISO_8859_1);
        if (attr.u64(SIGNATURE) != 0) {
            // bpf_prog_verify_signature() runs once the instructions are copied, before the type is
            // looked up; this host's kernel answers EOPNOTSUPP, and the service has no keyring either
            throw new BpfException(Errno.EOPNOTSUPP, "signature: signed programs are not supported by bpftime");
        }
        ProgramType type = ProgramType.ofOrNull(attr.u32(PROG_TYPE));
        if (type == null || !type.runsHere()) {
            throw new BpfException(Errno.EINVAL, "prog_type " + Integer.toUnsignedString(attr.u32(PROG_TYPE))
                    + (type == null ? " is unknown" : " (" + type + ") is not run by bpftime"));
        }
        String name = ObjectNames.parse(attr.bytes(PROG_NAME), "prog_name");

        VerifierLog log = VerifierLog.open(attr.u32(LOG_LEVEL), attr.u64(LOG_BUF), attr.u32(LOG_SIZE));
        long start = System.nanoTime();
        BpfException refusal = null;
        StructuralCheck.Checked checked = null;
        try {
            // check_btf_info_early, the walk of the instructions, then check_btf_info (kernel/bpf/verifier.c).
            // process_fd_array first (Linux 6.14: fd_array_cnt binds the array's maps to the program)
            StructuralCheck structural = StructuralCheck.withFdArray(insns, caller, attr.u64(FD_ARRAY),
                    attr.u32(FD_ARRAY_CNT));
            dev.bpftime.compat.btf.ProgBtfInfo btfInfo = dev.bpftime.compat.btf.ProgBtfInfo.early(attr, caller);
            checked = structural.run();
            btfInfo.late(insns);
            verifier.verify(type, checked, log);
        } catch (BpfException e) {
            refusal = e;
            log.reason(e.reason());
        }
        int processed = refusal == null ? checked.reachable() : 0;
        if (log.wants(VerifierLog.STATS)) {
            log.line("verification time " + (System.nanoTime() - start) / 1000 + " usec");
            log.line("stack depth " + (checked == null ? 0 : checked.stackDepth()));
        }
        log.line("processed " + processed + " insns (limit " + MAX_INSNS
                + ") max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0");
        VerifierLog.Result written = log.finish(caller);
        if (attr.userSize() >= LOG_TRUE_SIZE.end()) {
            attr.putU32(LOG_TRUE_SIZE, written.trueSize());
        }
        if (written.errno() != 0) {
            // bpf_vlog_finalize's error replaces the verdict, even a refusal's.
            throw new BpfException(written.errno(), written.errno() == Errno.ENOSPC
                    ? "log_size " + Integer.toUnsignedString(attr.u32(LOG_SIZE)) + " < log_true_size " + written.trueSize()
                    : "log_buf is not writable");
        }
        if (refusal != null) {
            throw refusal;
        }
        BpfProgram program = new BpfProgram(type, attr.u32(EXPECTED_ATTACH_TYPE), name, insns, checked.instructions(),
                ProgTag.of(insns, tagAlgorithm), boottimeNanos.getAsLong(), caller.uid(),
                Licenses.gplCompatible(license), processed);
        program.image(ProgramImages.make(insns, caller, attr.u64(FD_ARRAY)));
        objects.register(program);
        program.holdMaps(checked.usedMaps());
        program.setMapReferences(checked.mapAtSlot());
        return Outcome.newFd(program);
    }
}
