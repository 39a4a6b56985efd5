package dev.bpftime.jit.x86;

import java.util.Objects;

/** A memory operand {@code [base + index * scale + disp]}; {@code index} may be null. */
public record Mem(Reg base, Reg index, int scale, int disp) {

    public Mem {
        Objects.requireNonNull(base, "base");
        if (index == Reg.RSP) {
            throw new IllegalArgumentException("rsp cannot be an index register");
        }
        if (scale != 1 && scale != 2 && scale != 4 && scale != 8) {
            throw new IllegalArgumentException("scale: actual " + scale + " vs expected 1, 2, 4 or 8");
        }
    }

    public static Mem of(Reg base, int disp) {
        return new Mem(base, null, 1, disp);
    }

    public static Mem of(Reg base, Reg index, int scale, int disp) {
        return new Mem(base, index, scale, disp);
    }
}
