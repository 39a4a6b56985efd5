package dev.bpftime.compat.prog;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.maps.EmulatedMap;
import dev.bpftime.maps.MapFlags;
import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.isa.DecodeException;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionDecoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The checks of a program's structure that the kernel's verifier makes before it simulates anything,
 * in the kernel's order and with its log messages (kernel/bpf/verifier.c): subprogram starts
 * (add_subprog_and_kfunc), jump ranges and subprogram ends (check_subprogs), ld_imm64 pairs, map
 * references and opcodes (resolve_pseudo_ldimm64, bpf_opcode_in_insntable), reachability
 * (check_cfg), helper ids (check_helper_call: the kernel's and those this runtime has, {@link RuntimeHelpers}) on
 * the slots left once branches on frozen read-only data are decided ({@link ConstantReachability}). Each failure is EINVAL unless the kernel gives
 * another errno, with the kernel's message as the refusal's reason.
 *
 * <p>Loops are allowed, as for a privileged loader (push_insn's loop_ok with bpf_capable); whether
 * they end is the verifier's question.
 */
public final class StructuralCheck {

    /** What the checks found out about an accepted program. */
    public record Checked(List<Instruction> instructions, int reachable, int stackDepth, List<BpfObject> usedMaps,
            java.util.Map<Integer, Integer> mapAtSlot) {

        public Checked(List<Instruction> instructions, int reachable, int stackDepth) {
            this(instructions, reachable, stackDepth, List.of(), java.util.Map.of());
        }

        public Checked(List<Instruction> instructions, int reachable, int stackDepth, List<BpfObject> usedMaps) {
            this(instructions, reachable, stackDepth, usedMaps, java.util.Map.of());
        }
    }

    /** MAX_USED_MAPS (kernel/bpf/verifier.c). */
    static final int MAX_USED_MAPS = 64;
    /** BPF_MAX_VAR_OFF: the largest direct value offset. */
    static final long MAX_VAR_OFF = 1L << 29;
    private static final int MAP_TYPE_ARRAY = 2;

    /** The maps the instructions refer to, each once, in order of first reference (env->used_maps). */
    private final List<BpfObject> usedMaps = new java.util.ArrayList<>();
    /** The instruction slot of each map-referencing lddw and the index of its map in usedMaps. */
    private final java.util.Map<Integer, Integer> mapAtSlot = new java.util.HashMap<>();
    private int slot;
    /** The value of each map-value lddw whose map is frozen with BPF_F_RDONLY_PROG, read at load time. */
    private final java.util.Map<Integer, byte[]> frozenValueAtSlot = new java.util.HashMap<>();

    private final RawInsn[] insns;
    /** The program's SHA-256 (prog->digest), computed when an exclusive map asks for it. */
    private byte[] digest;
    private final byte[] bytes;
    private final Caller caller;
    private final long fdArray;

    private StructuralCheck(byte[] bytes, Caller caller, long fdArray) {
        this.bytes = bytes;
        this.insns = RawInsn.all(bytes);
        this.caller = caller;
        this.fdArray = fdArray;
    }

    /** Runs every check; the first failure is thrown with the kernel's errno and log message. */
    public static Checked run(byte[] insns, Caller caller, long fdArray) throws BpfException {
        return withFdArray(insns, caller, fdArray, 0).run();
    }

    /**
     * process_fd_array() (kernel/bpf/verifier.c, Linux 6.14), which bpf_check runs before anything else:
     * with fd_array_cnt set, each of the array's descriptors must be a map (bound to the program, as a
     * map its instructions name) or a BTF object. The returned check then {@link #run()}s the rest.
     */
    public static StructuralCheck withFdArray(byte[] insns, Caller caller, long fdArray, int fdArrayCnt)
            throws BpfException {
        StructuralCheck c = new StructuralCheck(insns, caller, fdArray);
        long count = Integer.toUnsignedLong(fdArrayCnt);
        if (count >= 0xffffffffL / 4) {
            throw new BpfException(Errno.EINVAL, "fd_array_cnt is too big (" + count + ")");
        }
        // read a chunk at a time (the kernel copies each entry; a fault stops at the first entry it hits)
        byte[] chunk = new byte[4 * (int) Math.min(count, 1024)];
        for (long i = 0; i < count; ) {
            int want = 4 * (int) Math.min(count - i, 1024);
            int readable = caller.readPrefix(fdArray + 4 * i, chunk, 0, want) / 4;
            ByteBuffer entries = ByteBuffer.wrap(chunk).order(ByteOrder.nativeOrder());
            for (int k = 0; k < readable; k++, i++) {
                c.addFdArrayEntry(entries.getInt(4 * k));
            }
            if (readable < want / 4) {
                throw new BpfException(Errno.EFAULT, "fd_array entry " + i + " is not readable");
            }
        }
        return c;
    }

    /** add_fd_from_fd_array(): a map is bound to the program, a BTF object accepted, anything else refused. */
    private void addFdArrayEntry(int fd) throws BpfException {
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Object o && o.object() instanceof EmulatedMap map) {
            addUsedMap(map);
        } else if (!(ref instanceof FdRef.Object o && o.object().kind() == ObjectKind.BTF)) {
            throw new BpfException(ref instanceof FdRef.Missing ? Errno.EBADF : Errno.EINVAL, "fd " + fd
                    + " is not pointing to valid bpf_map or btf");
        }
    }

    /** The checks after process_fd_array, in the kernel's order. */
    public Checked run() throws BpfException {
        StructuralCheck c = this;
        TreeSet<Integer> starts = c.subprogramStarts();
        c.checkSubprograms(starts);
        c.resolveLdImm64AndOpcodes();
        boolean[] reached = c.checkControlFlow();
        // the helper check sees only what the kernel's verifier would walk: branches on frozen
        // read-only data are decided (check_cfg above still judges the full graph)
        c.checkHelperIds(ConstantReachability.reachable(c.insns, c.frozenValueAtSlot));
        List<Instruction> decoded = InstructionDecoder.decode(bytes);
        return new Checked(decoded, c.countReachable(reached), c.stackDepth(decoded), List.copyOf(c.usedMaps),
                java.util.Map.copyOf(c.mapAtSlot));
    }

    private static BpfException refuse(String kernelMessage) {
        return new BpfException(Errno.EINVAL, kernelMessage);
    }

    private TreeSet<Integer> subprogramStarts() throws BpfException {
        TreeSet<Integer> starts = new TreeSet<>();
        starts.add(0);
        for (int i = 0; i < insns.length; i++) {
            RawInsn in = insns[i];
            if (in.isKfuncCall()) {
                throw refuse("calling kernel functions (kfuncs) is not supported by bpftime");
            }
            if (in.isPseudoCall() || in.isPseudoFunc()) {
                int target = i + in.imm() + 1;
                if (target < 0 || target >= insns.length) {
                    throw refuse("call to invalid destination");
                }
                starts.add(target);
            }
        }
        return starts;
    }

    private void checkSubprograms(TreeSet<Integer> starts) throws BpfException {
        List<Integer> bounds = new ArrayList<>(starts);
        bounds.add(insns.length);
        int sub = 0;
        int start = bounds.get(0);
        int end = bounds.get(1);
        for (int i = 0; i < insns.length; i++) {
            RawInsn in = insns[i];
            if (in.isJumpClass() && in.op() != RawInsn.OP_EXIT && in.op() != RawInsn.OP_CALL) {
                int target = in.jumpTarget(i);
                if (target < start || target >= end) {
                    throw refuse("jump out of range from insn " + i + " to " + target);
                }
            }
            if (i == end - 1) {
                if (in.code() != RawInsn.EXIT && in.code() != RawInsn.JA && in.code() != RawInsn.JA32) {
                    throw refuse("last insn is not an exit or jmp");
                }
                sub++;
                start = end;
                if (sub + 1 < bounds.size()) {
                    end = bounds.get(sub + 1);
                }
            }
        }
    }

    private void resolveLdImm64AndOpcodes() throws BpfException {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < insns.length; i++) {
            RawInsn in = insns[i];
            if (in.cls() == RawInsn.CLASS_LDX) {
                int mode = in.code() & 0xe0;
                if ((mode != 0x60 && mode != 0x80) || in.imm() != 0) {
                    throw refuse("BPF_LDX uses reserved fields");
                }
            }
            if (in.code() == RawInsn.LD_IMM64) {
                if (i == insns.length - 1) {
                    throw refuse("invalid bpf_ld_imm64 insn");
                }
                RawInsn second = insns[i + 1];
                if (second.code() != 0 || second.dst() != 0 || second.src() != 0 || second.off() != 0) {
                    throw refuse("invalid bpf_ld_imm64 insn");
                }
                slot = i;
                checkLdImm64Source(in, second);
                decodeOrRefuse(buf, i);
                i++;
                continue;
            }
            decodeOrRefuse(buf, i);
        }
    }

    private void checkLdImm64Source(RawInsn first, RawInsn second) throws BpfException {
        switch (first.src()) {
            case 0, 4 -> {
                // A plain 64-bit constant, or a subprogram address checked with the subprograms.
            }
            case 3 -> throw refuse("ld_imm64 of a kernel BTF id (BPF_PSEUDO_BTF_ID) is not supported by bpftime");
            case 1, 5 -> {
                if (second.imm() != 0) {
                    throw refuse("unrecognized bpf_ld_imm64 insn");
                }
                checkMapReference(first, second);
            }
            case 2, 6 -> checkMapReference(first, second);
            default -> throw refuse("unrecognized bpf_ld_imm64 insn");
        }
    }

    /** A map reference by fd (src 1, 2) or by index into fd_array (src 5, 6). */
    private void checkMapReference(RawInsn first, RawInsn second) throws BpfException {
        int fd = first.imm();
        if (first.src() == 5 || first.src() == 6) {
            if (fdArray == 0) {
                throw new BpfException(Errno.EPROTO, "fd_idx without fd_array is invalid");
            }
            byte[] slot = caller.read(fdArray + 4L * Integer.toUnsignedLong(first.imm()), 4, "fd_array entry");
            fd = ByteBuffer.wrap(slot).order(ByteOrder.nativeOrder()).getInt();
        }
        FdRef ref = caller.fd(fd);
        if (!(ref instanceof FdRef.Object o) || !(o.object() instanceof EmulatedMap map)) {
            int errno = ref instanceof FdRef.Missing ? Errno.EBADF : Errno.EINVAL;
            throw new BpfException(errno, "fd " + fd + " is not pointing to valid bpf_map");
        }
        // add_used_map() before the direct value's checks, as resolve_pseudo_ldimm64 (Linux 6.18)
        addUsedMap(map);
        mapAtSlot.put(slot, usedMaps.indexOf(map));
        if (first.src() == 2 || first.src() == 6) {
            checkDirectValue(map, Integer.toUnsignedLong(second.imm()));
            if (map.map().frozen() && (map.mapFlags() & MapFlags.RDONLY_PROG) != 0) {
                // checkDirectValue leaves an ARRAY of one element: key 0
                map.map().lookup(new byte[4]).ifPresent(v -> frozenValueAtSlot.put(slot, v));
            }
        }
    }

    /** __add_used_map(): a map is recorded once, up to MAX_USED_MAPS, if the program may use it. */
    private void addUsedMap(EmulatedMap map) throws BpfException {
        if (usedMaps.contains(map)) {
            return;
        }
        if (usedMaps.size() >= MAX_USED_MAPS) {
            throw new BpfException(Errno.E2BIG, "The total number of maps per program has reached the limit of "
                    + MAX_USED_MAPS);
        }
        checkExclusive(map);
        usedMaps.add(map);
    }

    /**
     * check_map_prog_compatibility() (kernel/bpf/verifier.c, Linux 6.18), its first rule: a map created
     * with excl_prog_hash serves only the program whose digest (bpf_prog_calc_tag's SHA-256) it names.
     */
    private void checkExclusive(EmulatedMap map) throws BpfException {
        byte[] wanted = map.exclusiveProgHash();
        if (wanted == null) {
            return;
        }
        if (digest == null) {
            digest = ProgTag.sha256(bytes);
        }
        if (!java.util.Arrays.equals(wanted, digest)) {
            throw new BpfException(Errno.EACCES, "program's hash doesn't match map's excl_prog_hash");
        }
    }

    /**
     * BPF_PSEUDO_MAP_VALUE: resolve_pseudo_ldimm64's offset limit, then the map type's
     * map_direct_value_addr (array_map_direct_value_addr: one element only, ENOTSUPP; the offset
     * inside the value, EINVAL).
     */
    private static void checkDirectValue(EmulatedMap map, long off) throws BpfException {
        if (off >= MAX_VAR_OFF) {
            throw new BpfException(Errno.EINVAL, "direct value offset of " + off + " is not allowed");
        }
        if (map.map().type().id() != MAP_TYPE_ARRAY) {
            throw new BpfException(Errno.EINVAL, "no direct value access support for this map type");
        }
        int valueSize = map.map().valueSize();
        if (map.map().maxEntries() != 1 || off >= Integer.toUnsignedLong(valueSize)) {
            throw new BpfException(map.map().maxEntries() != 1 ? Errno.ENOTSUPP : Errno.EINVAL,
                    "invalid access to map value pointer, value_size=" + Integer.toUnsignedString(valueSize) + " off="
                            + off);
        }
    }

    private void decodeOrRefuse(ByteBuffer buf, int slot) throws BpfException {
        try {
            InstructionDecoder.decodeAt(buf, slot, insns.length, ByteOrder.LITTLE_ENDIAN);
        } catch (DecodeException e) {
            String message = e.getMessage();
            String reason = message.substring(message.indexOf(": ") + 2);
            if (reason.startsWith("unknown opcode")) {
                throw refuse(String.format("unknown opcode %02x", insns[slot].code()));
            }
            throw refuse("insn " + slot + ": " + reason);
        }
    }

    /** check_cfg: every slot reachable from the first, and no jump into an ld_imm64's second half. */
    private boolean[] checkControlFlow() throws BpfException {
        boolean[] reached = new boolean[insns.length];
        int[] stack = new int[insns.length + 1];
        int top = 0;
        stack[top++] = 0;
        reached[0] = true;
        while (top > 0) {
            int i = stack[--top];
            for (int next : successors(i)) {
                if (next < 0 || next >= insns.length) {
                    throw refuse("jump out of range from insn " + i + " to " + next);
                }
                if (!reached[next]) {
                    reached[next] = true;
                    stack[top++] = next;
                }
            }
        }
        for (int i = 0; i < insns.length; i++) {
            if (!reached[i]) {
                throw refuse("unreachable insn " + i);
            }
            if (insns[i].code() == RawInsn.LD_IMM64) {
                if (reached[i + 1]) {
                    throw refuse("jump into the middle of ldimm64 insn " + i);
                }
                i++;
            }
        }
        return reached;
    }

    private int[] successors(int i) {
        RawInsn in = insns[i];
        if (in.code() == RawInsn.LD_IMM64) {
            return in.isPseudoFunc() ? new int[] {i + 2, i + in.imm() + 1} : new int[] {i + 2};
        }
        if (!in.isJumpClass()) {
            return new int[] {i + 1};
        }
        if (in.op() == RawInsn.OP_EXIT) {
            return new int[0];
        }
        if (in.op() == RawInsn.OP_CALL) {
            return in.isPseudoCall() ? new int[] {i + 1, i + in.imm() + 1} : new int[] {i + 1};
        }
        if (in.op() == RawInsn.OP_JA) {
            return new int[] {in.jumpTarget(i)};
        }
        return new int[] {i + 1, in.jumpTarget(i)};
    }

    private void checkHelperIds(boolean[] reached) throws BpfException {
        for (int i = 0; i < insns.length; i++) {
            RawInsn in = insns[i];
            String refusal = reached[i] && in.isHelperCall() ? RuntimeHelpers.refusal(in.imm()) : null;
            if (refusal != null) {
                throw refuse(refusal);
            }
        }
    }

    private int countReachable(boolean[] reached) {
        int n = 0;
        for (int i = 0; i < insns.length; i++) {
            if (reached[i]) {
                n++;
                if (insns[i].code() == RawInsn.LD_IMM64) {
                    i++;
                }
            }
        }
        return n;
    }

    /** The deepest stack byte reached by a load or store addressed directly off r10. */
    private int stackDepth(List<Instruction> decoded) {
        int depth = 0;
        for (Instruction in : decoded) {
            boolean load = in.cls() == dev.bpftime.isa.InstructionClass.LDX && in.src().index() == 10;
            boolean store = (in.cls() == dev.bpftime.isa.InstructionClass.ST
                    || in.cls() == dev.bpftime.isa.InstructionClass.STX) && in.dst().index() == 10;
            if ((load || store) && in.offset() < 0) {
                depth = Math.max(depth, -in.offset());
            }
        }
        return depth;
    }
}
