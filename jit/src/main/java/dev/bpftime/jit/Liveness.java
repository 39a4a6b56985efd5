package dev.bpftime.jit;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.AtomicOp;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionClass;
import dev.bpftime.isa.Register;

/**
 * Which BPF registers may still be read after each instruction (backward data flow over each subprogram's
 * control flow graph). The peepholes use it to drop a write whose value nobody reads. Conservative where
 * the ISA leaves a choice: a call of any kind reads r0-r9 and keeps r1-r5 (an engine may preserve them),
 * and an exit reads r0 only, because the caller's r6-r9 are restored by the callee's epilogue.
 */
final class Liveness {

    static final int ALL = (1 << 11) - 1;

    private final int[] liveOut;

    Liveness(ProgramAnalysis program) {
        int n = program.insns.size();
        int[] use = new int[n];
        int[] def = new int[n];
        boolean[] next = new boolean[n];
        int[] jump = new int[n];
        for (int i = 0; i < n; i++) {
            Instruction insn = program.insn(i);
            use[i] = uses(insn);
            def[i] = defines(insn);
            next[i] = fallsThrough(insn) && i + 1 < n;
            jump[i] = insn.isBranch() ? program.target(i) : -1;
        }
        int[] liveIn = new int[n];
        liveOut = new int[n];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = n - 1; i >= 0; i--) {
                int out = next[i] ? liveIn[i + 1] : 0;
                if (jump[i] >= 0) {
                    out |= liveIn[jump[i]];
                }
                int in = use[i] | (out & ~def[i]);
                if (out != liveOut[i] || in != liveIn[i]) {
                    liveOut[i] = out;
                    liveIn[i] = in;
                    changed = true;
                }
            }
        }
    }

    /** True when {@code r} may be read after instruction {@code index} before being written. */
    boolean liveAfter(int index, Register r) {
        return (liveOut[index] & bit(r)) != 0;
    }

    static int bit(Register r) {
        return 1 << r.index();
    }

    private static boolean fallsThrough(Instruction insn) {
        return !insn.isExit() && !(insn.isBranch() && insn.opcode().jumpOp() == dev.bpftime.isa.JumpOp.JA);
    }

    /** The registers an instruction may read. */
    static int uses(Instruction insn) {
        InstructionClass cls = insn.cls();
        boolean reg = insn.opcode().isRegisterSource();
        if (cls.isAlu()) {
            AluOp op = insn.opcode().aluOp();
            int u = op == AluOp.MOV ? 0 : bit(insn.dst());
            if (reg && op != AluOp.NEG && op != AluOp.END) {
                u |= bit(insn.src());
            }
            return u;
        }
        switch (cls) {
            case LDX:
                return bit(insn.src());
            case ST:
                return bit(insn.dst());
            case STX: {
                int u = bit(insn.dst()) | bit(insn.src());
                if (insn.atomicOp() == AtomicOp.CMPXCHG) {
                    u |= bit(Register.R0);
                }
                return u;
            }
            case LD:
                return insn.isLoadImm64() ? 0 : ALL;
            default:
                break;
        }
        if (insn.isExit()) {
            return bit(Register.R0);
        }
        if (insn.opcode().isCall()) {
            return ALL;
        }
        if (insn.isBranch()) {
            int u = insn.opcode().jumpOp() == dev.bpftime.isa.JumpOp.JA ? 0 : bit(insn.dst());
            return reg ? u | bit(insn.src()) : u;
        }
        return ALL;
    }

    /** The registers an instruction certainly overwrites. */
    static int defines(Instruction insn) {
        if (insn.opcode().isCall()) {
            // r0 is the result of a helper or local call; a failed tail call keeps r0 (CallEmitter).
            return insn.isHelperCall() && insn.imm32() == FrameLayout.TAIL_CALL_HELPER ? 0 : bit(Register.R0);
        }
        int d = 0;
        Register w = ProgramAnalysis.writtenRegister(insn);
        if (w != null) {
            d |= bit(w);
        }
        if (insn.atomicOp() == AtomicOp.CMPXCHG) {
            d |= bit(Register.R0);
        }
        return d;
    }
}
