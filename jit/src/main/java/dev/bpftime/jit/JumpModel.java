package dev.bpftime.jit;

import dev.bpftime.isa.JumpOp;

/**
 * Whether a conditional jump of a register against an immediate is taken (RFC 9669 section 4.3): JMP
 * compares 64 bits with the immediate sign-extended, JMP32 the low 32 bits with the immediate. The jump
 * table planner walks compare trees with it.
 */
final class JumpModel {

    private JumpModel() {
    }

    static boolean taken(JumpOp op, boolean is32, long value, int imm) {
        long a = is32 ? (int) value : value;
        long b = imm;
        long ua = is32 ? a & 0xffffffffL : a;
        long ub = is32 ? b & 0xffffffffL : b;
        return switch (op) {
            case JEQ -> ua == ub;
            case JNE -> ua != ub;
            case JSET -> (ua & ub) != 0;
            case JGT -> Long.compareUnsigned(ua, ub) > 0;
            case JGE -> Long.compareUnsigned(ua, ub) >= 0;
            case JLT -> Long.compareUnsigned(ua, ub) < 0;
            case JLE -> Long.compareUnsigned(ua, ub) <= 0;
            case JSGT -> a > b;
            case JSGE -> a >= b;
            case JSLT -> a < b;
            case JSLE -> a <= b;
            default -> throw new IllegalArgumentException("not a conditional jump: " + op);
        };
    }
}
