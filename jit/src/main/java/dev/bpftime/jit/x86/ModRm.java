package dev.bpftime.jit.x86;

/**
 * Encodes one instruction's prefixes, REX, opcode, ModRM, SIB and displacement (Intel SDM vol. 2,
 * sections 2.1-2.2):
 *
 * <pre>
 *   [F0 lock] [66 word] [REX 0100WRXB] opcode [ModRM mod:2 reg:3 rm:3] [SIB scale:2 index:3 base:3] [disp8/32]
 * </pre>
 *
 * REX.W selects 64-bit operands; R, X and B extend ModRM.reg, SIB.index and ModRM.rm/SIB.base to
 * r8-r15. An rm of 100 means "a SIB follows" (so rsp and r12 as a base need one); mod 00 with rm
 * 101 means RIP-relative (so rbp and r13 as a base need a displacement, even 0).
 */
final class ModRm {

    private static final int MOD_DISP0 = 0b00;
    private static final int MOD_DISP8 = 0b01;
    private static final int MOD_DISP32 = 0b10;
    private static final int MOD_REG = 0b11;
    private static final int RM_SIB = 0b100;
    private static final int NO_INDEX = 0b100;

    private ModRm() {
    }

    /**
     * An instruction with a register as its r/m operand. {@code reg} is a register number or an opcode
     * extension; {@code regIsByte}/{@code rmIsByte} say which operands are 8-bit registers, whose numbers
     * 4-7 need a REX prefix to mean spl..dil.
     */
    static void regDirect(CodeBuffer b, boolean lock, OpSize size, int opcode, int reg, boolean regIsByte,
            Reg rm, boolean rmIsByte) {
        boolean forceRex = (regIsByte && reg >= 4 && reg <= 7) || (rmIsByte && rm.byteNeedsRex());
        prefixes(b, lock, size, forceRex, reg >= 8, false, rm.extended());
        opcode(b, opcode);
        b.emit8(MOD_REG << 6 | (reg & 7) << 3 | rm.low3());
    }

    /** An instruction with a memory r/m operand. */
    static void memory(CodeBuffer b, boolean lock, OpSize size, int opcode, int reg, boolean regIsByte, Mem m) {
        boolean forceRex = regIsByte && reg >= 4 && reg <= 7;
        prefixes(b, lock, size, forceRex, reg >= 8, m.index() != null && m.index().extended(), m.base().extended());
        opcode(b, opcode);
        Reg base = m.base();
        int disp = m.disp();
        int mod;
        if (disp == 0 && base.low3() != 0b101) {
            mod = MOD_DISP0;
        } else if (CodeBuffer.fitsByte(disp)) {
            mod = MOD_DISP8;
        } else {
            mod = MOD_DISP32;
        }
        boolean sib = m.index() != null || base.low3() == RM_SIB;
        b.emit8(mod << 6 | (reg & 7) << 3 | (sib ? RM_SIB : base.low3()));
        if (sib) {
            int index = m.index() == null ? NO_INDEX : m.index().low3();
            b.emit8(scaleBits(m.scale()) << 6 | index << 3 | base.low3());
        }
        if (mod == MOD_DISP8) {
            b.emit8(disp);
        } else if (mod == MOD_DISP32) {
            b.emit32(disp);
        }
    }

    /** An instruction whose opcode names its register in the low three bits (push, pop, bswap, mov r, imm). */
    static void regInOpcode(CodeBuffer b, OpSize size, int opcode, Reg reg) {
        prefixes(b, false, size, false, false, false, reg.extended());
        opcode(b, opcode + reg.low3());
    }

    private static void prefixes(CodeBuffer b, boolean lock, OpSize size, boolean forceRex, boolean r, boolean x,
            boolean bBit) {
        if (lock) {
            b.emit8(0xf0);
        }
        if (size == OpSize.WORD) {
            b.emit8(0x66);
        }
        boolean w = size == OpSize.QWORD;
        if (w || r || x || bBit || forceRex) {
            b.emit8(0x40 | (w ? 8 : 0) | (r ? 4 : 0) | (x ? 2 : 0) | (bBit ? 1 : 0));
        }
    }

    /** One opcode byte, or two when the value is 0x0Fxx. */
    private static void opcode(CodeBuffer b, int opcode) {
        if (opcode > 0xff) {
            b.emit8(opcode >> 8);
        }
        b.emit8(opcode & 0xff);
    }

    private static int scaleBits(int scale) {
        return switch (scale) {
            case 1 -> 0;
            case 2 -> 1;
            case 4 -> 2;
            default -> 3;
        };
    }
}
