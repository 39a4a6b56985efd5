package dev.bpftime.jit;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.PseudoSource;
import dev.bpftime.isa.Register;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Which map each register certainly holds at each instruction (forward data flow): a register holds a map
 * after an lddw of a map reference (BPF_PSEUDO_MAP_FD or _IDX), keeps it through 64-bit register moves,
 * and loses it on any other write, on a call (r0-r5) and where paths holding different maps meet. This is
 * the part of the kernel verifier's register tracking that lets it inline a map lookup
 * (kernel/bpf/verifier.c, do_misc_fixups: map_gen_lookup when the call's map is known).
 */
final class MapReferences {

    /** No map, or different maps on different paths. */
    static final long NONE = -1;
    /** Not reached yet by the analysis. */
    private static final long UNREACHED = -2;
    private static final int REGS = 11;

    private final long[] in;

    MapReferences(ProgramAnalysis program) {
        int n = program.insns.size();
        in = new long[n * REGS];
        Arrays.fill(in, UNREACHED);
        ArrayDeque<Integer> work = new ArrayDeque<>();
        boolean[] queued = new boolean[n];
        for (ProgramAnalysis.Subprogram s : program.subprograms) {
            Arrays.fill(in, s.first() * REGS, s.first() * REGS + REGS, NONE);
            work.add(s.first());
            queued[s.first()] = true;
        }
        long[] state = new long[REGS];
        while (!work.isEmpty()) {
            int i = work.poll();
            queued[i] = false;
            System.arraycopy(in, i * REGS, state, 0, REGS);
            Instruction insn = program.insn(i);
            transfer(insn, state);
            if (insn.isBranch() && merge(program.target(i), state)) {
                enqueue(work, queued, program.target(i));
            }
            if (fallsThrough(insn) && i + 1 < n && merge(i + 1, state)) {
                enqueue(work, queued, i + 1);
            }
        }
    }

    /**
     * The map reference {@code r} certainly holds before instruction {@code index}: {@code kind << 32 | key}
     * with the kind {@link Relocation.Kind#MAP_FD} or {@link Relocation.Kind#MAP_IDX}, or {@link #NONE}.
     */
    long before(int index, Register r) {
        long v = in[index * REGS + r.index()];
        return v == UNREACHED ? NONE : v;
    }

    static Relocation.Kind kindOf(long ref) {
        return Relocation.Kind.values()[(int) (ref >>> 32)];
    }

    static int keyOf(long ref) {
        return (int) ref;
    }

    private static void enqueue(ArrayDeque<Integer> work, boolean[] queued, int i) {
        if (!queued[i]) {
            queued[i] = true;
            work.add(i);
        }
    }

    private boolean merge(int to, long[] state) {
        boolean changed = false;
        int base = to * REGS;
        for (int r = 0; r < REGS; r++) {
            long old = in[base + r];
            long merged = old == UNREACHED ? state[r] : old == state[r] ? old : NONE;
            if (merged != old) {
                in[base + r] = merged;
                changed = true;
            }
        }
        return changed;
    }

    private static boolean fallsThrough(Instruction insn) {
        return !insn.isExit() && insn.opcode().jumpOp() != dev.bpftime.isa.JumpOp.JA;
    }

    private static void transfer(Instruction insn, long[] state) {
        if (insn.opcode().isCall()) {
            for (int r = 0; r <= 5; r++) {
                state[r] = NONE;
            }
            return;
        }
        if (insn.isLoadImm64()) {
            PseudoSource p = insn.pseudoSource();
            Relocation.Kind kind = p == PseudoSource.MAP_FD ? Relocation.Kind.MAP_FD
                    : p == PseudoSource.MAP_IDX ? Relocation.Kind.MAP_IDX : null;
            state[insn.dst().index()] = kind == null ? NONE : (long) kind.ordinal() << 32 | (insn.imm() & 0xffffffffL);
            return;
        }
        if (insn.cls() == dev.bpftime.isa.InstructionClass.ALU64 && insn.opcode().aluOp() == AluOp.MOV
                && insn.opcode().isRegisterSource() && insn.offset() == 0) {
            state[insn.dst().index()] = state[insn.src().index()];
            return;
        }
        Register w = ProgramAnalysis.writtenRegister(insn);
        if (w != null) {
            state[w.index()] = NONE;
        }
        if (insn.atomicOp() == dev.bpftime.isa.AtomicOp.CMPXCHG) {
            state[0] = NONE;
        }
    }
}
