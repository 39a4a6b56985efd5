package dev.bpftime.compat.prog;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One 8-byte slot as the kernel's struct bpf_insn sees it, before any decoding: the structural checks
 * run in the kernel's order on raw slots, because the kernel judges jumps (check_subprogs) before it
 * judges opcodes (resolve_pseudo_ldimm64), and the first error found is the one reported.
 */
record RawInsn(int code, int dst, int src, short off, int imm) {

    static final int LD_IMM64 = 0x18;
    static final int JA = 0x05;
    static final int JA32 = 0x06;
    static final int CALL = 0x85;
    static final int EXIT = 0x95;
    static final int CLASS_LDX = 0x01;
    static final int CLASS_JMP = 0x05;
    static final int CLASS_JMP32 = 0x06;
    static final int OP_CALL = 0x80;
    static final int OP_EXIT = 0x90;
    static final int OP_JA = 0x00;

    /** The slots of a little-endian instruction stream (x86-64 and aarch64 are both little-endian). */
    static RawInsn[] all(byte[] insns) {
        ByteBuffer b = ByteBuffer.wrap(insns).order(ByteOrder.LITTLE_ENDIAN);
        RawInsn[] out = new RawInsn[insns.length / 8];
        for (int i = 0; i < out.length; i++) {
            int at = i * 8;
            int regs = b.get(at + 1) & 0xff;
            out[i] = new RawInsn(b.get(at) & 0xff, regs & 0x0f, regs >>> 4, b.getShort(at + 2), b.getInt(at + 4));
        }
        return out;
    }

    int cls() {
        return code & 0x07;
    }

    int op() {
        return code & 0xf0;
    }

    boolean isJumpClass() {
        return cls() == CLASS_JMP || cls() == CLASS_JMP32;
    }

    /** A bpf-to-bpf call (BPF_PSEUDO_CALL). */
    boolean isPseudoCall() {
        return code == CALL && src == 1;
    }

    /** A kernel function call (BPF_PSEUDO_KFUNC_CALL). */
    boolean isKfuncCall() {
        return code == CALL && src == 2;
    }

    boolean isHelperCall() {
        return code == CALL && src == 0;
    }

    /** An ld_imm64 of a subprogram's address (BPF_PSEUDO_FUNC). */
    boolean isPseudoFunc() {
        return code == LD_IMM64 && src == 4;
    }

    /** The target slot of a jump: gotol (JMP32|JA) keeps its distance in imm, the others in off. */
    int jumpTarget(int slot) {
        return slot + (code == JA32 ? imm : off) + 1;
    }
}
