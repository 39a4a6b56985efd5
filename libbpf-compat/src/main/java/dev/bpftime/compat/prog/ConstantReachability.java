package dev.bpftime.compat.prog;

import java.util.ArrayDeque;
import java.util.Map;

/**
 * The slots a program can reach once branches on frozen read-only data are decided, as the kernel's
 * verifier decides them: a value loaded from a map that is frozen (BPF_MAP_FREEZE) and has
 * BPF_F_RDONLY_PROG is a known constant (bpf_map_is_rdonly + bpf_map_direct_read in check_mem_access,
 * kernel/bpf/verifier.c), and a conditional jump on known operands follows only its taken edge
 * (is_branch_taken). libbpf's {@code const volatile} globals live in such a map (.rodata), so code
 * behind a disabled option is never checked by the kernel; the helper check uses this to do the same.
 *
 * <p>A forward pass to a fixpoint: per slot, each of r0..r10 is a known 64-bit constant, a pointer into
 * a frozen read-only value at a known offset, or unknown; states join at merges (differing = unknown).
 */
final class ConstantReachability {

    private static final byte UNKNOWN = 0;
    private static final byte CONSTANT = 1;
    private static final byte POINTER = 2;
    private static final int REGS = 11;

    /** The registers' abstract values at one slot; {@code ptr} is the frozen value a POINTER points into. */
    private static final class State {
        final byte[] kind = new byte[REGS];
        final long[] val = new long[REGS];
        final byte[][] ptr = new byte[REGS][];

        State copy() {
            State s = new State();
            System.arraycopy(kind, 0, s.kind, 0, REGS);
            System.arraycopy(val, 0, s.val, 0, REGS);
            System.arraycopy(ptr, 0, s.ptr, 0, REGS);
            return s;
        }

        void unknown(int r) {
            kind[r] = UNKNOWN;
            val[r] = 0;
            ptr[r] = null;
        }

        void constant(int r, long v) {
            kind[r] = CONSTANT;
            val[r] = v;
            ptr[r] = null;
        }

        boolean known(int r) {
            return kind[r] == CONSTANT;
        }

        /** Joins {@code other} in; true when this state changed. */
        boolean join(State other) {
            boolean changed = false;
            for (int r = 0; r < REGS; r++) {
                if (kind[r] != UNKNOWN && (kind[r] != other.kind[r] || val[r] != other.val[r]
                        || ptr[r] != other.ptr[r])) {
                    unknown(r);
                    changed = true;
                }
            }
            return changed;
        }
    }

    private final RawInsn[] insns;
    private final Map<Integer, byte[]> frozenValueAtSlot;
    private final State[] states;
    private final ArrayDeque<Integer> work = new ArrayDeque<>();
    private final boolean[] queued;

    private ConstantReachability(RawInsn[] insns, Map<Integer, byte[]> frozenValueAtSlot) {
        this.insns = insns;
        this.frozenValueAtSlot = frozenValueAtSlot;
        this.states = new State[insns.length];
        this.queued = new boolean[insns.length];
    }

    /**
     * The reachable slots of a structurally checked program. {@code frozenValueAtSlot}: for each lddw of a
     * map value (BPF_PSEUDO_MAP_VALUE / IDX_VALUE) whose map is frozen with BPF_F_RDONLY_PROG, the map's
     * whole value (its only element) at load time.
     */
    static boolean[] reachable(RawInsn[] insns, Map<Integer, byte[]> frozenValueAtSlot) {
        ConstantReachability c = new ConstantReachability(insns, frozenValueAtSlot);
        c.flow(0, new State());
        while (!c.work.isEmpty()) {
            int i = c.work.poll();
            c.queued[i] = false;
            c.step(i, c.states[i].copy());
        }
        boolean[] reached = new boolean[insns.length];
        for (int i = 0; i < insns.length; i++) {
            reached[i] = c.states[i] != null;
        }
        return reached;
    }

    private void flow(int to, State s) {
        if (to < 0 || to >= insns.length) {
            return;
        }
        boolean changed;
        if (states[to] == null) {
            states[to] = s.copy();
            changed = true;
        } else {
            changed = states[to].join(s);
        }
        if (changed && !queued[to]) {
            queued[to] = true;
            work.add(to);
        }
    }

    private void step(int i, State s) {
        RawInsn in = insns[i];
        switch (in.cls()) {
            case 0x00 -> load(i, in, s);
            case 0x01 -> {
                loadFromMemory(in, s);
                flow(i + 1, s);
            }
            case 0x02 -> flow(i + 1, s);
            case 0x03 -> {
                if ((in.code() & 0xe0) == 0xc0) {
                    // atomics with BPF_FETCH write the old value to src, cmpxchg to r0
                    s.unknown(in.src());
                    s.unknown(0);
                }
                flow(i + 1, s);
            }
            case 0x04, 0x07 -> {
                alu(in, s);
                flow(i + 1, s);
            }
            default -> jump(i, in, s);
        }
    }

    private void load(int i, RawInsn in, State s) {
        if (in.code() != RawInsn.LD_IMM64) {
            // ld_abs / ld_ind: a call in all but name (r0..r5 clobbered)
            clobberCallerSaved(s);
            flow(i + 1, s);
            return;
        }
        byte[] frozen = frozenValueAtSlot.get(i);
        if (in.src() == 0) {
            s.constant(in.dst(), (Integer.toUnsignedLong(in.imm())) | ((long) insns[i + 1].imm() << 32));
        } else if (frozen != null) {
            s.kind[in.dst()] = POINTER;
            s.val[in.dst()] = Integer.toUnsignedLong(insns[i + 1].imm());
            s.ptr[in.dst()] = frozen;
        } else {
            s.unknown(in.dst());
        }
        if (in.isPseudoFunc()) {
            flow(i + in.imm() + 1, new State());
        }
        flow(i + 2, s);
    }

    /** LDX MEM / MEMSX of 1, 2, 4 or 8 bytes inside a frozen read-only value. */
    private void loadFromMemory(RawInsn in, State s) {
        int src = in.src();
        int size = switch (in.code() & 0x18) {
            case 0x00 -> 4;
            case 0x08 -> 2;
            case 0x10 -> 1;
            default -> 8;
        };
        int mode = in.code() & 0xe0;
        if (s.kind[src] != POINTER || (mode != 0x60 && mode != 0x80)) {
            s.unknown(in.dst());
            return;
        }
        byte[] value = s.ptr[src];
        long at = s.val[src] + in.off();
        if (at < 0 || at + size > value.length) {
            s.unknown(in.dst());
            return;
        }
        long v = 0;
        for (int b = size - 1; b >= 0; b--) {
            v = (v << 8) | (value[(int) at + b] & 0xff);
        }
        if (mode == 0x80 && size < 8) {
            int shift = 64 - 8 * size;
            v = (v << shift) >> shift;
        }
        s.constant(in.dst(), v);
    }

    private void alu(RawInsn in, State s) {
        boolean wide = in.cls() == 0x07;
        int op = in.op();
        int dst = in.dst();
        boolean fromReg = (in.code() & 0x08) != 0;
        if (op == 0xb0 && in.off() == 0 && wide && fromReg && s.kind[in.src()] == POINTER) {
            s.kind[dst] = POINTER;
            s.val[dst] = s.val[in.src()];
            s.ptr[dst] = s.ptr[in.src()];
            return;
        }
        boolean operandKnown = fromReg ? s.known(in.src()) : true;
        long operand = fromReg ? s.val[in.src()] : in.imm();
        if (wide && (op == 0x00 || op == 0x10) && !fromReg && s.kind[dst] == POINTER) {
            s.val[dst] += op == 0x00 ? operand : -operand;
            return;
        }
        if (!operandKnown || in.off() != 0 || (op != 0xb0 && !s.known(dst))) {
            s.unknown(dst);
            return;
        }
        long a = s.val[dst];
        int bits = wide ? 64 : 32;
        Long r = switch (op) {
            case 0x00 -> a + operand;
            case 0x10 -> a - operand;
            case 0x20 -> a * operand;
            case 0x40 -> a | operand;
            case 0x50 -> a & operand;
            case 0xa0 -> a ^ operand;
            case 0xb0 -> operand;
            case 0x60 -> Long.compareUnsigned(operand, bits) < 0 ? a << operand : null;
            case 0x70 -> Long.compareUnsigned(operand, bits) < 0
                    ? (wide ? a >>> operand : (a & 0xffffffffL) >>> operand) : null;
            case 0xc0 -> Long.compareUnsigned(operand, bits) < 0 ? (wide ? a >> operand : (long) ((int) a >> operand))
                    : null;
            default -> null;
        };
        if (r == null) {
            s.unknown(dst);
        } else {
            s.constant(dst, wide ? r : r & 0xffffffffL);
        }
    }

    private void jump(int i, RawInsn in, State s) {
        int op = in.op();
        if (op == RawInsn.OP_EXIT) {
            return;
        }
        if (op == RawInsn.OP_CALL) {
            if (in.isPseudoCall()) {
                flow(i + in.imm() + 1, new State());
            }
            clobberCallerSaved(s);
            flow(i + 1, s);
            return;
        }
        if (op == RawInsn.OP_JA) {
            flow(in.jumpTarget(i), s);
            return;
        }
        Boolean taken = decide(in, s);
        if (taken == null || !taken) {
            flow(i + 1, s);
        }
        if (taken == null || taken) {
            flow(in.jumpTarget(i), s);
        }
    }

    /** is_branch_taken on two known operands; null when either is unknown. */
    private static Boolean decide(RawInsn in, State s) {
        boolean fromReg = (in.code() & 0x08) != 0;
        if (!s.known(in.dst()) || (fromReg && !s.known(in.src()))) {
            return null;
        }
        long a = s.val[in.dst()];
        long b = fromReg ? s.val[in.src()] : in.imm();
        if (in.cls() == RawInsn.CLASS_JMP32) {
            a = (int) a;
            b = (int) b;
            // unsigned compares below use the low halves zero-extended
            return compare(in.op(), a, b, a & 0xffffffffL, b & 0xffffffffL);
        }
        return compare(in.op(), a, b, a, b);
    }

    private static Boolean compare(int op, long sa, long sb, long ua, long ub) {
        return switch (op) {
            case 0x10 -> ua == ub;
            case 0x50 -> ua != ub;
            case 0x40 -> (ua & ub) != 0;
            case 0x20 -> Long.compareUnsigned(ua, ub) > 0;
            case 0x30 -> Long.compareUnsigned(ua, ub) >= 0;
            case 0xa0 -> Long.compareUnsigned(ua, ub) < 0;
            case 0xb0 -> Long.compareUnsigned(ua, ub) <= 0;
            case 0x60 -> sa > sb;
            case 0x70 -> sa >= sb;
            case 0xc0 -> sa < sb;
            case 0xd0 -> sa <= sb;
            default -> null;
        };
    }

    private static void clobberCallerSaved(State s) {
        for (int r = 0; r <= 5; r++) {
            s.unknown(r);
        }
    }
}
