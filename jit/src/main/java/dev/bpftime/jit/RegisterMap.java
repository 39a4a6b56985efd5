package dev.bpftime.jit;

import dev.bpftime.isa.Register;
import dev.bpftime.jit.x86.Reg;

/**
 * Where each BPF register lives. R1-R5 are the first five System V argument registers and R0 is rax, so a
 * helper call needs no moves; R6-R9 are callee-saved, so they survive helper calls; R10 is rbp. The same
 * choice as the kernel's (arch/x86/net/bpf_jit_comp.c, reg2hex), for the same reasons.
 */
final class RegisterMap {

    private static final Reg[] BPF_TO_X86 = {
        Reg.RAX, Reg.RDI, Reg.RSI, Reg.RDX, Reg.RCX, Reg.R8, Reg.RBX, Reg.R13, Reg.R14, Reg.R15, Reg.RBP,
    };

    /** Scratch registers: caller-saved and holding no BPF register. */
    static final Reg SCRATCH_A = Reg.R9;
    static final Reg SCRATCH_B = Reg.R10;
    static final Reg SCRATCH_C = Reg.R11;
    /** Holds the invocation block for the whole invocation (callee-saved, so helpers keep it). */
    static final Reg BLOCK = Reg.R12;
    static final Reg FP = Reg.RBP;

    /** The callee-saved registers holding R6-R9, in push order. */
    static final Register[] CALLEE_SAVED = {Register.R6, Register.R7, Register.R8, Register.R9};

    private RegisterMap() {
    }

    static Reg of(Register r) {
        return BPF_TO_X86[r.index()];
    }
}
