package dev.bpftime.jit;

import dev.bpftime.isa.AluOp;

/**
 * The ALU semantics of RFC 9669 section 4.1 with the kernel's choices, written in plain Java as an
 * independent oracle for the machine code: 32-bit operations work on the low halves and zero-extend,
 * division by zero gives 0, modulo by zero leaves dst, signed division by -1 negates, shift counts are masked.
 */
final class AluModel {

    private static final long LOW32 = 0xffffffffL;

    private AluModel() {
    }

    /** dst op src, where src is the register value or the sign-extended immediate; offset as in the insn. */
    static long apply(AluOp op, boolean is64, int offset, long dst, long src) {
        return is64 ? apply64(op, offset, dst, src) : apply32(op, offset, (int) dst, (int) src) & LOW32;
    }

    private static long apply64(AluOp op, int offset, long a, long b) {
        boolean signed = offset == 1;
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> b == 0 ? 0 : signed ? (b == -1 ? -a : a / b) : Long.divideUnsigned(a, b);
            case MOD -> b == 0 ? a : signed ? (b == -1 ? 0 : a % b) : Long.remainderUnsigned(a, b);
            case OR -> a | b;
            case AND -> a & b;
            case XOR -> a ^ b;
            case LSH -> a << (b & 63);
            case RSH -> a >>> (b & 63);
            case ARSH -> a >> (b & 63);
            case NEG -> -a;
            case MOV -> switch (offset) {
                case 8 -> (byte) b;
                case 16 -> (short) b;
                case 32 -> (int) b;
                default -> b;
            };
            case END -> throw new IllegalArgumentException("END has its own model");
        };
    }

    private static int apply32(AluOp op, int offset, int a, int b) {
        boolean signed = offset == 1;
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> b == 0 ? 0 : signed ? (b == -1 ? -a : a / b) : Integer.divideUnsigned(a, b);
            case MOD -> b == 0 ? a : signed ? (b == -1 ? 0 : a % b) : Integer.remainderUnsigned(a, b);
            case OR -> a | b;
            case AND -> a & b;
            case XOR -> a ^ b;
            case LSH -> a << (b & 31);
            case RSH -> a >>> (b & 31);
            case ARSH -> a >> (b & 31);
            case NEG -> -a;
            case MOV -> switch (offset) {
                case 8 -> (byte) b;
                case 16 -> (short) b;
                default -> b;
            };
            case END -> throw new IllegalArgumentException("END has its own model");
        };
    }

    /** le (swap false) or be/bswap (swap true) of the low {@code bits} of dst, on a little-endian host. */
    static long byteSwap(boolean swap, int bits, long dst) {
        return switch (bits) {
            case 16 -> (swap ? Short.reverseBytes((short) dst) : (short) dst) & 0xffffL;
            case 32 -> (swap ? Integer.reverseBytes((int) dst) : (int) dst) & LOW32;
            default -> swap ? Long.reverseBytes(dst) : dst;
        };
    }
}
