package dev.bpftime.jit.x86;

/** The "group 2" shifts and rotates: 0xD1 /ext (by 1), 0xC1 /ext ib (by imm8), 0xD3 /ext (by cl). */
public enum ShiftOp {
    ROL(0), ROR(1), SHL(4), SHR(5), SAR(7);

    private final int ext;

    ShiftOp(int ext) {
        this.ext = ext;
    }

    int ext() {
        return ext;
    }
}
