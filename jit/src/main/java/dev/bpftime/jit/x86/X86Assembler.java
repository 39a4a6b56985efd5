package dev.bpftime.jit.x86;

/**
 * The x86-64 instructions the JIT emits, appended to a {@link CodeBuffer}. Method names follow Intel
 * syntax: the destination comes first. Opcodes are from the Intel SDM vol. 2 instruction tables.
 */
public final class X86Assembler {

    private final CodeBuffer buf;

    public X86Assembler(CodeBuffer buf) {
        this.buf = buf;
    }

    public CodeBuffer buffer() {
        return buf;
    }

    public int position() {
        return buf.position();
    }

    public void bind(Label label) {
        buf.bind(label);
    }

    // ---- moves ----

    /** {@code mov dst, src}; a 32-bit move zero-extends into the upper half. */
    public void mov(OpSize size, Reg dst, Reg src) {
        ModRm.regDirect(buf, false, size, size == OpSize.BYTE ? 0x88 : 0x89, src.number(), size == OpSize.BYTE,
                dst, size == OpSize.BYTE);
    }

    /** {@code mov r32, imm32}: the whole register becomes the zero-extended immediate. */
    public void movImm32(Reg dst, int imm) {
        ModRm.regInOpcode(buf, OpSize.DWORD, 0xb8, dst);
        buf.emit32(imm);
    }

    /** {@code mov r64, imm32}: the whole register becomes the sign-extended immediate. */
    public void movImmSignExtended(Reg dst, int imm) {
        ModRm.regDirect(buf, false, OpSize.QWORD, 0xc7, 0, false, dst, false);
        buf.emit32(imm);
    }

    /** {@code movabs r64, imm64}; returns the code offset of the immediate, for relocations. */
    public int movImm64(Reg dst, long imm) {
        ModRm.regInOpcode(buf, OpSize.QWORD, 0xb8, dst);
        int at = buf.position();
        buf.emit64(imm);
        return at;
    }

    /** Loads {@code size} bytes zero-extended into the whole register (movzx for 1 and 2 bytes). */
    public void load(OpSize size, Reg dst, Mem m) {
        switch (size) {
            case BYTE -> ModRm.memory(buf, false, OpSize.DWORD, 0x0fb6, dst.number(), false, m);
            case WORD -> ModRm.memory(buf, false, OpSize.DWORD, 0x0fb7, dst.number(), false, m);
            default -> ModRm.memory(buf, false, size, 0x8b, dst.number(), false, m);
        }
    }

    /** Loads {@code size} bytes sign-extended to 64 bits (movsx, movsxd). */
    public void loadSigned(OpSize size, Reg dst, Mem m) {
        int opcode = switch (size) {
            case BYTE -> 0x0fbe;
            case WORD -> 0x0fbf;
            case DWORD -> 0x63;
            case QWORD -> 0x8b;
        };
        ModRm.memory(buf, false, OpSize.QWORD, opcode, dst.number(), false, m);
    }

    public void store(OpSize size, Mem m, Reg src) {
        ModRm.memory(buf, false, size, size == OpSize.BYTE ? 0x88 : 0x89, src.number(), size == OpSize.BYTE, m);
    }

    /** Stores an immediate; a qword store sign-extends the 32-bit immediate. */
    public void storeImm(OpSize size, Mem m, int imm) {
        ModRm.memory(buf, false, size, size == OpSize.BYTE ? 0xc6 : 0xc7, 0, false, m);
        switch (size) {
            case BYTE -> buf.emit8(imm);
            case WORD -> buf.emit16(imm);
            default -> buf.emit32(imm);
        }
    }

    /** {@code movzx r32, r8/r16}: zero-extends the low byte or word into the whole register. */
    public void movzx(OpSize from, Reg dst, Reg src) {
        boolean isByte = from == OpSize.BYTE;
        ModRm.regDirect(buf, false, OpSize.DWORD, isByte ? 0x0fb6 : 0x0fb7, dst.number(), false, src, isByte);
    }

    /** Sign-extends the low {@code from} of src into {@code to} (32 bits: then zero-extended to 64). */
    public void movsx(OpSize from, OpSize to, Reg dst, Reg src) {
        int opcode = switch (from) {
            case BYTE -> 0x0fbe;
            case WORD -> 0x0fbf;
            case DWORD -> 0x63;
            case QWORD -> throw new IllegalArgumentException("movsx from a qword");
        };
        ModRm.regDirect(buf, false, to, opcode, dst.number(), false, src, from == OpSize.BYTE);
    }

    public void lea(Reg dst, Mem m) {
        ModRm.memory(buf, false, OpSize.QWORD, 0x8d, dst.number(), false, m);
    }

    /** {@code lea dst, [rip + rel32]}: the address of a label of this code, position-independent. */
    public void leaRip(Reg dst, Label target) {
        buf.emit8(0x48 | (dst.extended() ? 4 : 0));
        buf.emit8(0x8d);
        buf.emit8(dst.low3() << 3 | 0b101);
        buf.emit32(0);
        buf.callDisplacement(target);
    }

    /** {@code cmovcc dst, src}; the 32-bit form zero-extends dst even when the condition is false. */
    public void cmov(Cond cond, OpSize size, Reg dst, Reg src) {
        ModRm.regDirect(buf, false, size, 0x0f40 | cond.code(), dst.number(), false, src, false);
    }

    // ---- arithmetic ----

    /** {@code op dst, src}. */
    public void arith(ArithOp op, OpSize size, Reg dst, Reg src) {
        ModRm.regDirect(buf, false, size, op.regForm(), src.number(), false, dst, false);
    }

    /** {@code op dst, imm}: the short imm8 form when the immediate fits; 64-bit forms sign-extend it. */
    public void arithImm(ArithOp op, OpSize size, Reg dst, int imm) {
        boolean imm8 = CodeBuffer.fitsByte(imm);
        ModRm.regDirect(buf, false, size, imm8 ? 0x83 : 0x81, op.ext(), false, dst, false);
        emitImm(imm, imm8);
    }

    /** {@code op dst, imm32}, always the 4-byte immediate; returns its code offset, for relocations. */
    public int arithImm32(ArithOp op, OpSize size, Reg dst, int imm) {
        ModRm.regDirect(buf, false, size, 0x81, op.ext(), false, dst, false);
        int at = buf.position();
        buf.emit32(imm);
        return at;
    }

    public void arithImm(ArithOp op, OpSize size, Mem m, int imm) {
        boolean imm8 = CodeBuffer.fitsByte(imm);
        ModRm.memory(buf, false, size, imm8 ? 0x83 : 0x81, op.ext(), false, m);
        emitImm(imm, imm8);
    }

    public void test(OpSize size, Reg a, Reg b) {
        ModRm.regDirect(buf, false, size, 0x85, b.number(), false, a, false);
    }

    public void testImm(OpSize size, Reg a, int imm) {
        ModRm.regDirect(buf, false, size, 0xf7, 0, false, a, false);
        buf.emit32(imm);
    }

    /** {@code imul dst, src}: the low half of the product. */
    public void imul(OpSize size, Reg dst, Reg src) {
        ModRm.regDirect(buf, false, size, 0x0faf, dst.number(), false, src, false);
    }

    /** {@code imul dst, src, imm}. */
    public void imulImm(OpSize size, Reg dst, Reg src, int imm) {
        boolean imm8 = CodeBuffer.fitsByte(imm);
        ModRm.regDirect(buf, false, size, imm8 ? 0x6b : 0x69, dst.number(), false, src, false);
        emitImm(imm, imm8);
    }

    public void neg(OpSize size, Reg r) {
        ModRm.regDirect(buf, false, size, 0xf7, 3, false, r, false);
    }

    /** Unsigned {@code rdx:rax / divisor}: quotient to rax, remainder to rdx (edx:eax for 32 bits). */
    public void div(OpSize size, Reg divisor) {
        ModRm.regDirect(buf, false, size, 0xf7, 6, false, divisor, false);
    }

    /** Signed division; traps on a zero divisor and on MIN / -1, which callers rule out first. */
    public void idiv(OpSize size, Reg divisor) {
        ModRm.regDirect(buf, false, size, 0xf7, 7, false, divisor, false);
    }

    /** cdq / cqo: sign-extends eax into edx, or rax into rdx. */
    public void signExtendAccumulator(OpSize size) {
        if (size == OpSize.QWORD) {
            buf.emit8(0x48);
        }
        buf.emit8(0x99);
    }

    /** Shift or rotate by a constant; callers mask the count. */
    public void shift(ShiftOp op, OpSize size, Reg r, int count) {
        if (count == 1) {
            ModRm.regDirect(buf, false, size, 0xd1, op.ext(), false, r, false);
        } else {
            ModRm.regDirect(buf, false, size, 0xc1, op.ext(), false, r, false);
            buf.emit8(count);
        }
    }

    /** Shift by cl; the CPU masks the count to 5 bits (32-bit operands) or 6 bits (64-bit). */
    public void shiftByCl(ShiftOp op, OpSize size, Reg r) {
        ModRm.regDirect(buf, false, size, 0xd3, op.ext(), false, r, false);
    }

    /** Reverses the bytes of a 32- or 64-bit register. */
    public void bswap(OpSize size, Reg r) {
        ModRm.regInOpcode(buf, size, 0x0fc8, r);
    }

    // ---- atomics ----

    /** {@code lock op [m], src} for add, or, and, xor. */
    public void lockArith(ArithOp op, OpSize size, Mem m, Reg src) {
        ModRm.memory(buf, true, size, op.regForm(), src.number(), false, m);
    }

    /** {@code lock xadd [m], src}: src receives the old value. */
    public void lockXadd(OpSize size, Mem m, Reg src) {
        ModRm.memory(buf, true, size, 0x0fc1, src.number(), false, m);
    }

    /** {@code xchg [m], src}, locked by the CPU without a prefix. */
    public void xchg(OpSize size, Mem m, Reg src) {
        ModRm.memory(buf, false, size, 0x87, src.number(), false, m);
    }

    /** {@code lock cmpxchg [m], src}: compares with rax/eax, which receives the old value on failure. */
    public void lockCmpxchg(OpSize size, Mem m, Reg src) {
        ModRm.memory(buf, true, size, 0x0fb1, src.number(), false, m);
    }

    // ---- stack and control flow ----

    public void push(Reg r) {
        ModRm.regInOpcode(buf, OpSize.DWORD, 0x50, r);
    }

    public void pop(Reg r) {
        ModRm.regInOpcode(buf, OpSize.DWORD, 0x58, r);
    }

    /** {@code call rel32}. */
    public void call(Label target) {
        buf.emit8(0xe8);
        buf.emit32(0);
        buf.callDisplacement(target);
    }

    /** {@code call [m]}. */
    public void callIndirect(Mem m) {
        ModRm.memory(buf, false, OpSize.DWORD, 0xff, 2, false, m);
    }

    public void jmp(Label target) {
        if (buf.nextBranchIsShort(target, 2)) {
            buf.emit8(0xeb);
            buf.emit8(0);
            buf.branchDisplacement(target, 1);
        } else {
            buf.emit8(0xe9);
            buf.emit32(0);
            buf.branchDisplacement(target, 4);
        }
    }

    public void jcc(Cond cond, Label target) {
        if (buf.nextBranchIsShort(target, 2)) {
            buf.emit8(0x70 | cond.code());
            buf.emit8(0);
            buf.branchDisplacement(target, 1);
        } else {
            buf.emit8(0x0f);
            buf.emit8(0x80 | cond.code());
            buf.emit32(0);
            buf.branchDisplacement(target, 4);
        }
    }

    /** {@code jmp r64}. */
    public void jmpIndirect(Reg r) {
        ModRm.regDirect(buf, false, OpSize.DWORD, 0xff, 4, false, r, false);
    }

    /** Pads with the recommended multi-byte nops (Intel SDM vol. 2B, NOP) to a multiple of {@code alignment}. */
    public void alignWithNops(int alignment) {
        int pad = (alignment - buf.position() % alignment) % alignment;
        buf.insert(buf.position(), nops(pad));
    }

    /** {@code count} bytes of nops, in as few instructions as the recommended forms allow. */
    public static byte[] nops(int count) {
        byte[] out = new byte[count];
        int at = 0;
        while (at < count) {
            int n = Math.min(count - at, NOPS.length);
            for (int b : NOPS[n - 1]) {
                out[at++] = (byte) b;
            }
        }
        return out;
    }

    private static final int[][] NOPS = {
        {0x90},
        {0x66, 0x90},
        {0x0f, 0x1f, 0x00},
        {0x0f, 0x1f, 0x40, 0x00},
        {0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
        {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    };

    public void ret() {
        buf.emit8(0xc3);
    }

    private void emitImm(int imm, boolean imm8) {
        if (imm8) {
            buf.emit8(imm);
        } else {
            buf.emit32(imm);
        }
    }
}
