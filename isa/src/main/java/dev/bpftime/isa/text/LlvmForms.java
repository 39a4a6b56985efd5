package dev.bpftime.isa.text;

/**
 * Which field values LLVM 19's BPF decoder accepts for each opcode, and the text its printer makes of them.
 * LLVM's decoder (the TableGen tables of BPFInstrInfo.td driven by Disassembler/BPFDisassembler.cpp) is
 * looser than the kernel: it takes registers 0-11, ignores fields an instruction form does not define
 * (the imm of a register ALU op, the src of an immediate jump, everything but imm of exit...) and matches
 * only some immediate bits of atomics. Each rule here was checked against llvm-objdump-19 over all
 * opcodes with varied fields. A null result is LLVM's {@code <unknown>}.
 */
final class LlvmForms {

    private static final int MAX_LLVM_REGISTER = 11;
    private static final String[] ALU_OPERATORS = {
        "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", null, "%=", "^=", "=", "s>>=", null, null, null};
    private static final String[] JUMP_CONDITIONS = {
        null, "==", ">", ">=", "&", "!=", "s>", "s>=", null, null, "<", "<=", "s<", "s<=", null, null};
    private static final String[] SIZE_NAMES = {"32", "16", "8", "64"};

    private LlvmForms() {
    }

    /**
     * The text LLVM prints for these fields, or null when its decoder refuses them. {@code imm} is the
     * sign-extended 32-bit immediate, or for opcode 0x18 the whole 64-bit value of both halves.
     */
    static String text(int opcode, int dst, int src, int off, long imm, boolean alu32) {
        if (dst < 0 || dst > 15 || src < 0 || src > 15) {
            throw new IllegalArgumentException("register field: actual dst " + dst + ", src " + src
                    + " vs expected 0..15");
        }
        return switch (opcode & 0x07) {
            case 0x04, 0x07 -> alu(opcode, dst, src, off, (int) imm);
            case 0x05, 0x06 -> jump(opcode, dst, src, off, (int) imm);
            case 0x00 -> load(opcode, dst, src, off, imm);
            case 0x01 -> loadFromRegister(opcode, dst, src, off, alu32);
            case 0x02 -> (opcode & 0xe0) == 0x60 && dst <= MAX_LLVM_REGISTER
                    ? "*(u" + size(opcode) + " *)(" + memory(dst, off) + ") = " + LlvmSyntax.hex((int) imm) : null;
            default -> store(opcode, dst, src, off, (int) imm, alu32);
        };
    }

    /** True when LLVM's MCInstrAnalysis::evaluateBranch gives this accepted opcode a target. */
    static boolean isBranch(int opcode) {
        int cls = opcode & 0x07;
        int code = opcode & 0xf0;
        if (cls != 0x05 && cls != 0x06) {
            return false;
        }
        return code == 0x00 || code == 0xe0 || JUMP_CONDITIONS[code >> 4] != null;
    }

    private static String alu(int opcode, int dst, int src, int off, int imm) {
        boolean is64 = (opcode & 0x07) == 0x07;
        boolean x = (opcode & 0x08) != 0;
        int code = opcode & 0xf0;
        if (dst > MAX_LLVM_REGISTER) {
            return null;
        }
        String p = is64 ? "r" : "w";
        String d = p + dst;
        if (code == 0x80) {
            return x ? null : d + " = -" + d;
        }
        if (code == 0xd0) {
            if ((is64 && x) || (imm != 16 && imm != 32 && imm != 64)) {
                return null;
            }
            String swap = is64 ? "bswap" : x ? "be" : "le";
            return "r" + dst + " = " + swap + imm + " r" + dst;
        }
        String operator = ALU_OPERATORS[code >> 4];
        if (operator == null) {
            return null;
        }
        String prefix = "";
        if (code == 0x30 || code == 0x90) {
            if (off == 1) {
                operator = "s" + operator;
            } else if (off != 0) {
                return null;
            }
        } else if (code == 0xb0 && x && off != 0) {
            if (is64 && off == 1) {
                if (src > MAX_LLVM_REGISTER) {
                    return null;
                }
                return d + " = addr_space_cast(r" + src + ", " + LlvmSyntax.hex((imm >>> 16) & 0xffff) + ", "
                        + LlvmSyntax.hex(imm & 0xffff) + ")";
            }
            if (off != 8 && off != 16 && !(is64 && off == 32)) {
                return null;
            }
            prefix = "(s" + off + ")";
        } else if (off != 0) {
            return null;
        }
        if (!x) {
            return d + " " + operator + " " + LlvmSyntax.hex(imm);
        }
        return src > MAX_LLVM_REGISTER ? null : d + " " + operator + " " + prefix + p + src;
    }

    private static String jump(int opcode, int dst, int src, int off, int imm) {
        boolean is32 = (opcode & 0x07) == 0x06;
        boolean x = (opcode & 0x08) != 0;
        int code = opcode & 0xf0;
        switch (code) {
            case 0x00 -> {
                return x ? null : is32 ? "gotol " + target(imm) : "goto " + target((short) off);
            }
            case 0x80 -> {
                if (is32) {
                    return null;
                }
                return !x ? "call " + LlvmSyntax.hex(imm) : dst <= MAX_LLVM_REGISTER ? "callx r" + dst : null;
            }
            case 0x90 -> {
                return is32 || x || imm != 0 ? null : "exit";
            }
            case 0xe0 -> {
                return is32 || x ? null : "may_goto " + target((short) off);
            }
            default -> {
                String condition = JUMP_CONDITIONS[code >> 4];
                if (condition == null || dst > MAX_LLVM_REGISTER || (x && src > MAX_LLVM_REGISTER)) {
                    return null;
                }
                String p = is32 ? "w" : "r";
                String operand = x ? p + src : LlvmSyntax.hex(imm);
                return "if " + p + dst + " " + condition + " " + operand + " goto " + target((short) off);
            }
        }
    }

    private static String load(int opcode, int dst, int src, int off, long imm) {
        if (opcode == 0x18) {
            if (off != 0 || dst > MAX_LLVM_REGISTER) {
                return null;
            }
            // A non-zero src is a pseudo load (map fd, map value...); LLVM shows only the low half.
            return src == 0 ? "r" + dst + " = " + LlvmSyntax.hex(imm) + " ll"
                    : "ld_pseudo\tr" + dst + ", " + LlvmSyntax.hex(src) + ", " + LlvmSyntax.hex(imm & 0xffffffffL);
        }
        if ((opcode & 0x18) == 0x18) {
            return null;
        }
        String access = "r0 = *(u" + size(opcode) + " *)skb[";
        return switch (opcode & 0xe0) {
            case 0x20 -> access + LlvmSyntax.hex((int) imm) + "]";
            case 0x40 -> src <= MAX_LLVM_REGISTER ? access + "r" + src + "]" : null;
            default -> null;
        };
    }

    private static String loadFromRegister(int opcode, int dst, int src, int off, boolean alu32) {
        if (dst > MAX_LLVM_REGISTER || src > MAX_LLVM_REGISTER) {
            return null;
        }
        boolean dw = (opcode & 0x18) == 0x18;
        return switch (opcode & 0xe0) {
            case 0x60 -> (alu32 && !dw ? "w" : "r") + dst + " = *(u" + size(opcode) + " *)(" + memory(src, off) + ")";
            case 0x80 -> dw ? null : "r" + dst + " = *(s" + size(opcode) + " *)(" + memory(src, off) + ")";
            default -> null;
        };
    }

    private static String store(int opcode, int dst, int src, int off, int imm, boolean alu32) {
        if (dst > MAX_LLVM_REGISTER || src > MAX_LLVM_REGISTER) {
            return null;
        }
        boolean dw = (opcode & 0x18) == 0x18;
        String mem = memory(dst, off);
        int mode = opcode & 0xe0;
        if (mode == 0x60) {
            return "*(u" + size(opcode) + " *)(" + mem + ") = " + (alu32 && !dw ? "w" : "r") + src;
        }
        if (mode != 0xc0 || (opcode & 0x18) == 0x08 || (opcode & 0x18) == 0x10) {
            return null;
        }
        if (!dw && !alu32) {
            // Without alu32 LLVM 19 knows one 32-bit atomic, XADDW, matched on imm bits 4-7 only.
            return (imm & 0xf0) == 0 ? "lock *(u32 *)(" + mem + ") += r" + src : null;
        }
        return atomic(dw, mem, src, imm & 0xff);
    }

    /** The atomic forms: fetch variants match imm bits 0-7 exactly, the others only bits 4-7. */
    private static String atomic(boolean dw, String mem, int src, int op) {
        String p = dw ? "r" : "w";
        String bits = dw ? "64" : "32";
        String s = p + src;
        String fetch = switch (op) {
            case 0x01 -> "add";
            case 0x41 -> "or";
            case 0x51 -> "and";
            case 0xa1 -> "xor";
            default -> null;
        };
        if (fetch != null) {
            return s + " = atomic_fetch_" + fetch + "((u" + bits + " *)(" + mem + "), " + s + ")";
        }
        if (op == 0xe1) {
            return s + " = " + (dw ? "xchg_64(" : "xchg32_32(") + mem + ", " + s + ")";
        }
        if (op == 0xf1) {
            return p + "0 = " + (dw ? "cmpxchg_64(" : "cmpxchg32_32(") + mem + ", " + p + "0, " + s + ")";
        }
        String operator = switch (op >> 4) {
            case 0x0 -> "+=";
            case 0x4 -> "|=";
            case 0x5 -> "&=";
            case 0xa -> "^=";
            default -> null;
        };
        return operator == null ? null : "lock *(u" + bits + " *)(" + mem + ") " + operator + " " + s;
    }

    private static String size(int opcode) {
        return SIZE_NAMES[(opcode >> 3) & 0x03];
    }

    /** BPFInstPrinter::printMemOperand: "r1 + 0x8" or "r1 - 0x8". */
    private static String memory(int reg, int off) {
        short o = (short) off;
        return "r" + reg + (o >= 0 ? " + " + LlvmSyntax.hex(o) : " - " + LlvmSyntax.hex(-o));
    }

    /** BPFInstPrinter::printBrTargetOperand: "+0x3" or "-0x8". */
    private static String target(int slots) {
        return (slots >= 0 ? "+" : "") + LlvmSyntax.hex(slots);
    }
}
