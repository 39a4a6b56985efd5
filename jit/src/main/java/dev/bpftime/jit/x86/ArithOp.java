package dev.bpftime.jit.x86;

/**
 * The eight "group 1" operations. Register forms use opcode {@code 8 * ext + 1} (r/m, reg);
 * immediate forms 0x81 /ext (imm32) or 0x83 /ext (imm8, sign-extended).
 */
public enum ArithOp {
    ADD(0), OR(1), ADC(2), SBB(3), AND(4), SUB(5), XOR(6), CMP(7);

    private final int ext;

    ArithOp(int ext) {
        this.ext = ext;
    }

    /** The ModRM.reg opcode extension of the immediate forms. */
    int ext() {
        return ext;
    }

    /** The opcode of the {@code op r/m, reg} form (0x01, 0x09, ... 0x39); the byte form is one less. */
    int regForm() {
        return ext * 8 + 1;
    }
}
