package dev.bpftime.jit;

import dev.bpftime.isa.AtomicOp;
import dev.bpftime.isa.CallKind;
import dev.bpftime.isa.DecodeException;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionClass;
import dev.bpftime.isa.InstructionDecoder;
import dev.bpftime.isa.Mode;
import dev.bpftime.isa.Opcode;
import dev.bpftime.isa.PseudoSource;
import dev.bpftime.isa.Register;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the compiler needs to know before emitting: where each instruction sits in slots, which
 * instructions are jump targets, the subprograms (bodies of bpf-to-bpf calls) and what each one saves.
 * Refuses, with the slot named, every program the emitted code could not run as the ISA defines it:
 * malformed instructions, jumps out of the program, into the second half of an lddw or into another
 * subprogram, a subprogram that can fall off its end, writes to r10, recursion or call chains deeper than
 * the kernel's eight frames, and the few instructions a userspace runtime cannot give a meaning to.
 */
final class ProgramAnalysis {

    /** The body of the main program or of one bpf-to-bpf callee: instructions {@code [first, end)}. */
    record Subprogram(int number, int first, int end, EnumSet<Register> savedRegisters, boolean makesCalls) {
        boolean needsAlignmentPad() {
            return makesCalls && savedRegisters.size() % 2 == 0;
        }
    }

    /** Programs longer than this are refused (BPF_COMPLEXITY_LIMIT_INSNS, include/linux/bpf.h). */
    static final int MAX_SLOTS = 1_000_000;

    final List<Instruction> insns;
    final int[] slotOf;
    final boolean[] jumpTarget;
    final List<Subprogram> subprograms = new ArrayList<>();
    final int[] subprogramOf;
    final boolean hasTailCall;
    /**
     * The frames the program needs wherever it runs, a tail call's target included: its deepest chain of
     * bpf-to-bpf calls (JitImage.frames). Its own tail calls ask for their targets' frames when they run.
     */
    final int frames;
    /**
     * The frames its C entries reserve: its own, or all eight when it makes tail calls, because the kernel
     * lets a tail call from the main program start a target with all of MAX_CALL_FRAMES (each program is
     * verified alone, kernel/bpf/verifier.c check_max_stack_depth, and the x86 JIT's tail call frees the
     * caller's stack before the target's prologue, arch/x86/net/bpf_jit_comp.c emit_bpf_tail_call_indirect).
     */
    final int reservedFrames;
    final SortedSet<Integer> helperIds = new TreeSet<>();
    /** The subprograms an lddw of a function (BPF_PSEUDO_FUNC) names: callbacks, entered from C. */
    final SortedSet<Integer> callbacks = new TreeSet<>();
    /**
     * One subprogram that calls nothing and never names r10: it needs no invocation block and no frame, so
     * the C entry is the subprogram itself (FrameEmitter).
     */
    final boolean leaf;

    private final int slots;
    /** Instruction index of each slot; -1 for the second half of an lddw. */
    private final int[] indexOfSlot;

    ProgramAnalysis(List<Instruction> program) {
        this.insns = List.copyOf(program);
        int n = insns.size();
        if (n == 0) {
            throw new JitException(0, "empty program: actual 0 instructions vs expected at least 1");
        }
        slotOf = new int[n + 1];
        int slot = 0;
        for (int i = 0; i < n; i++) {
            slotOf[i] = slot;
            slot += insns.get(i).width();
            if (slot > MAX_SLOTS) {
                throw new JitException(slotOf[i], "program too long: actual more than " + MAX_SLOTS
                        + " slots vs expected at most " + MAX_SLOTS);
            }
        }
        slotOf[n] = slot;
        slots = slot;
        indexOfSlot = new int[slots];
        java.util.Arrays.fill(indexOfSlot, -1);
        for (int i = 0; i < n; i++) {
            indexOfSlot[slotOf[i]] = i;
        }
        jumpTarget = new boolean[n + 1];
        boolean[] subprogramStart = new boolean[n];
        subprogramStart[0] = true;
        boolean tailCall = false;
        for (int i = 0; i < n; i++) {
            Instruction insn = insns.get(i);
            checkInstruction(insn, slotOf[i]);
            if (insn.isBranch()) {
                jumpTarget[target(i)] = true;
            } else if (insn.isLocalCall() || insn.pseudoSource() == PseudoSource.FUNC) {
                subprogramStart[target(i)] = true;
            } else if (insn.isHelperCall()) {
                if (insn.imm32() == FrameLayout.TAIL_CALL_HELPER) {
                    tailCall = true;
                } else {
                    helperIds.add(insn.imm32());
                }
            }
        }
        hasTailCall = tailCall;
        subprogramOf = new int[n];
        buildSubprograms(subprogramStart);
        for (int i = 0; i < n; i++) {
            if (insns.get(i).pseudoSource() == PseudoSource.FUNC) {
                callbacks.add(subprogramOf[target(i)]);
            }
        }
        int depth = callDepth();
        frames = depth;
        reservedFrames = tailCall ? FrameLayout.MAX_FRAMES : depth;
        leaf = subprograms.size() == 1 && !subprograms.get(0).makesCalls() && insns.stream().noneMatch(
                ProgramAnalysis::namesFramePointer);
    }

    /** Whether the instruction reads r10 or stores through it (lddw's and call's src is no register). */
    private static boolean namesFramePointer(Instruction insn) {
        boolean srcIsRegister = !insn.isLoadImm64() && !insn.opcode().isCall();
        return insn.dst() == Register.R10 || (srcIsRegister && insn.src() == Register.R10);
    }

    Instruction insn(int index) {
        return insns.get(index);
    }

    /** The instruction index a branch or local call at {@code index} leads to, checked. */
    int target(int index) {
        Instruction insn = insns.get(index);
        int slot = slotOf[index];
        boolean callback = insn.pseudoSource() == PseudoSource.FUNC;
        long to = (long) slot + 1 + (callback ? insn.imm32() : insn.branchDistance());
        String what = insn.isLocalCall() ? "call" : callback ? "callback" : "jump";
        if (to < 0 || to >= slots) {
            throw new JitException(slot, what + " out of range: actual target slot " + to + " vs expected 0.."
                    + (slots - 1));
        }
        int target = indexOfSlot[(int) to];
        if (target < 0) {
            throw new JitException(slot, what + " into the second half of the lddw at instruction " + (to - 1)
                    + ": actual target slot " + to + " vs expected the start of an instruction");
        }
        return target;
    }

    private static void checkInstruction(Instruction insn, int slot) {
        try {
            InstructionDecoder.check(insn, slot);
        } catch (DecodeException e) {
            String prefix = "at instruction " + slot + ": ";
            String m = e.getMessage();
            throw new JitException(slot, m.startsWith(prefix) ? m.substring(prefix.length()) : m, e);
        }
        Opcode op = insn.opcode();
        InstructionClass cls = insn.cls();
        if (cls == InstructionClass.LD && !insn.isLoadImm64()) {
            throw new JitException(slot, "legacy packet access " + op + " (ld abs/ind) needs a socket buffer: "
                    + "actual opcode " + op + " vs expected a load through a register (ldx)");
        }
        if (insn.callKind() == CallKind.KFUNC) {
            throw new JitException(slot, "kfunc calls are not supported in userspace: actual call of BTF id "
                    + insn.imm32() + " vs expected a helper or local call");
        }
        if (insn.isHelperCall() && (insn.imm32() < 0 || insn.imm32() > JitLinker.MAX_HELPER_ID)) {
            throw new JitException(slot, "helper id: actual " + insn.imm32() + " vs expected 0.."
                    + JitLinker.MAX_HELPER_ID);
        }
        PseudoSource pseudo = insn.pseudoSource();
        if (pseudo == PseudoSource.BTF_ID) {
            throw new JitException(slot, "lddw pseudo source " + pseudo + " is not supported: actual src "
                    + pseudo.code() + " vs expected 0 (imm64), 1, 2, 5 or 6 (maps) or 4 (a callback)");
        }
        Register written = writtenRegister(insn);
        if (written == Register.R10) {
            throw new JitException(slot, "r10 is read-only: actual write to r10 by " + op + " vs expected r0..r9");
        }
    }

    /** The register an instruction writes besides r0 of calls and cmpxchg, or null. */
    static Register writtenRegister(Instruction insn) {
        InstructionClass cls = insn.cls();
        if (cls.isAlu() || cls == InstructionClass.LDX || insn.isLoadImm64()) {
            return insn.dst();
        }
        AtomicOp atomic = insn.atomicOp();
        if (atomic != null && atomic != AtomicOp.CMPXCHG && (insn.imm32() & AtomicOp.FETCH) != 0) {
            return insn.src();
        }
        return null;
    }

    private static boolean makesCall(Instruction insn) {
        return insn.opcode().isCall();
    }

    private static boolean endsFlow(Instruction insn) {
        return insn.isExit() || insn.opcode().equals(Opcode.JA) || insn.opcode().equals(Opcode.GOTOL);
    }

    private void buildSubprograms(boolean[] start) {
        int n = insns.size();
        int first = 0;
        for (int i = 1; i <= n; i++) {
            if (i < n && !start[i]) {
                continue;
            }
            Instruction last = insns.get(i - 1);
            if (!endsFlow(last)) {
                String where = i == n ? "the end of the program" : "the subprogram at instruction " + slotOf[i];
                throw new JitException(slotOf[i - 1], "execution can fall through into " + where
                        + ": actual " + last.opcode() + " vs expected exit or ja as the last instruction");
            }
            EnumSet<Register> saved = EnumSet.noneOf(Register.class);
            boolean calls = false;
            int number = subprograms.size();
            for (int j = first; j < i; j++) {
                Instruction insn = insns.get(j);
                subprogramOf[j] = number;
                Register w = writtenRegister(insn);
                if (w != null && w.index() >= Register.R6.index()) {
                    saved.add(w);
                }
                calls |= makesCall(insn);
            }
            subprograms.add(new Subprogram(number, first, i, saved, calls));
            first = i;
        }
        for (int j = 0; j < n; j++) {
            Instruction insn = insns.get(j);
            if (insn.isBranch()) {
                int t = target(j);
                if (subprogramOf[t] != subprogramOf[j]) {
                    throw new JitException(slotOf[j], "jump into another subprogram: actual target slot "
                            + slotOf[t] + " vs expected slots " + slotOf[subprograms.get(subprogramOf[j]).first()]
                            + ".." + (slotOf[subprograms.get(subprogramOf[j]).end()] - 1));
                }
            }
        }
    }

    /** The frames of the deepest chain of local calls from the main program; refuses recursion. */
    private int callDepth() {
        int[] depth = new int[subprograms.size()];
        int[] state = new int[subprograms.size()]; // 0 new, 1 on the path, 2 done
        int d = depthOf(0, depth, state);
        int root = 0;
        for (int cb : callbacks) {
            int c = depthOf(cb, depth, state);
            if (c > d) {
                d = c;
                root = cb;
            }
        }
        if (d > FrameLayout.MAX_FRAMES) {
            int at = deepestCall(root, depth);
            throw new JitException(slotOf[at], "call chain too deep: actual " + d + " frames vs expected at most "
                    + FrameLayout.MAX_FRAMES);
        }
        return d;
    }

    private int depthOf(int sub, int[] depth, int[] state) {
        if (state[sub] == 2) {
            return depth[sub];
        }
        state[sub] = 1;
        Subprogram s = subprograms.get(sub);
        int deepest = 0;
        for (int j = s.first(); j < s.end(); j++) {
            if (insns.get(j).isLocalCall()) {
                int callee = subprogramOf[target(j)];
                if (state[callee] == 1) {
                    throw new JitException(slotOf[j], "recursive call: actual call of the subprogram at instruction "
                            + slotOf[subprograms.get(callee).first()] + ", which is running, vs expected no recursion");
                }
                deepest = Math.max(deepest, depthOf(callee, depth, state));
            }
        }
        state[sub] = 2;
        depth[sub] = deepest + 1;
        return depth[sub];
    }

    private int deepestCall(int sub, int[] depth) {
        Subprogram s = subprograms.get(sub);
        for (int j = s.first(); j < s.end(); j++) {
            if (insns.get(j).isLocalCall() && depth[subprogramOf[target(j)]] == depth[sub] - 1) {
                return j;
            }
        }
        throw new AssertionError("no call reaches depth " + depth[sub]);
    }

    static boolean isAtomic(Instruction insn) {
        return insn.cls() == InstructionClass.STX && insn.opcode().mode() == Mode.ATOMIC;
    }
}
