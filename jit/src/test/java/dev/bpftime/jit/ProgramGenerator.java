package dev.bpftime.jit;

import static dev.bpftime.isa.Asm.*;
import static dev.bpftime.isa.Register.*;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.AsmItem;
import dev.bpftime.isa.AtomicOp;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Opcode;
import dev.bpftime.isa.Register;
import dev.bpftime.isa.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random programs that terminate and touch only their stack and one memory region, yet use every
 * instruction class: ALU and ALU64 (all operations, both sources, signed division, movsx, byte swaps),
 * loads (also sign-extending) and stores of every width at constant and computed addresses, atomics,
 * forward jumps of both classes, bounded loops, helper calls and bpf-to-bpf calls.
 *
 * <p>What keeps them safe and deterministic: r9 holds the region (r1 on entry) and is never written after;
 * addresses are r9 or r10 plus a constant in range, or a value masked into range plus r9 or r10; loops
 * count down a stack slot no other store may touch ([r10-16, r10)); every frame's 512 bytes and every
 * register are initialized first; R1-R5 are set again after each call (a call leaves them undefined); a
 * stack address never lands in a register that is kept or stored (it differs between engines).
 *
 * <p>Memory given to the program: {@link #REGION} bytes of data, then the final stack frame of the main
 * program and r0-r8, which the program copies there before its exit.
 */
final class ProgramGenerator {

    static final int REGION = 256;
    static final int STACK_DUMP = REGION;
    static final int REGISTER_DUMP = STACK_DUMP + 512;
    static final int MEMORY = REGISTER_DUMP + 9 * 8;

    /** Stores to the stack stay below the loop counters at [r10 - 16, r10). */
    private static final int STACK_STORE_TOP = -16;
    private static final int MAX_SUBPROGRAMS = 3;
    private static final AluOp[] ALU_OPS = {AluOp.ADD, AluOp.SUB, AluOp.MUL, AluOp.DIV, AluOp.OR, AluOp.AND,
        AluOp.LSH, AluOp.RSH, AluOp.MOD, AluOp.XOR, AluOp.MOV, AluOp.ARSH};
    private static final JumpOp[] CONDITIONS = {JumpOp.JEQ, JumpOp.JGT, JumpOp.JGE, JumpOp.JSET, JumpOp.JNE,
        JumpOp.JSGT, JumpOp.JSGE, JumpOp.JLT, JumpOp.JLE, JumpOp.JSLT, JumpOp.JSLE};

    private final Random random;
    private final List<AsmItem> out = new ArrayList<>();
    private int labelCount;
    private int budget;
    private int subprogramCount;
    private String labelPrefix = "";

    ProgramGenerator(long seed) {
        this.random = new Random(seed);
    }

    /** One program; the generator's seed decides it entirely. */
    List<Instruction> generate() {
        return assemble(items("p"));
    }

    /**
     * The program as assembler items whose labels all start with {@code prefix}, so that several programs
     * can be put in one image (each then runs as a bpf-to-bpf callee given its memory in r1).
     */
    List<AsmItem> items(String prefix) {
        labelPrefix = prefix;
        subprogramCount = random.nextInt(MAX_SUBPROGRAMS + 1);
        budget = 10 + random.nextInt(40);
        emit(mov64(R9, R1));
        initializeFrame();
        initializeRegisters();
        statements(budget, 0, 0, 0);
        for (int i = 0; i <= 8; i++) {
            emit(stx(Size.DW, R9, REGISTER_DUMP + 8 * i, Register.of(i)));
        }
        dumpFrame();
        emit(exit());
        for (int s = 1; s <= subprogramCount; s++) {
            out.add(label(subprogramLabel(s)));
            emit(mov64(R9, R1));
            initializeFrame();
            initializeRegisters();
            budget = 5 + random.nextInt(15);
            statements(budget, s, 0, 0);
            emit(exit());
        }
        return List.copyOf(out);
    }

    private String subprogramLabel(int s) {
        return labelPrefix + "sub" + s;
    }

    /** Copies the frame's 512 bytes to the region's stack dump; keeps r0. */
    private void dumpFrame() {
        String loop = newLabel();
        emit(mov64(R1, -512));
        emit(mov64(R2, R9));
        emit(add64(R2, STACK_DUMP));
        out.add(label(loop));
        emit(mov64(R3, R10));
        emit(add64(R3, R1));
        emit(ldx(Size.DW, R3, R3, 0));
        emit(stx(Size.DW, R2, 0, R3));
        emit(add64(R2, 8));
        emit(add64(R1, 8));
        emit(jump(JumpOp.JSLT, R1, 0, loop));
    }

    private void emit(AsmItem item) {
        out.add(item);
    }

    private String newLabel() {
        return labelPrefix + "l" + labelCount++;
    }

    /** Fills the frame's 64 slots with their own offsets. */
    private void initializeFrame() {
        String loop = newLabel();
        emit(mov64(R0, -512));
        out.add(label(loop));
        emit(mov64(R1, R10));
        emit(add64(R1, R0));
        emit(stx(Size.DW, R1, 0, R0));
        emit(add64(R0, 8));
        emit(jump(JumpOp.JSLT, R0, 0, loop));
    }

    private void initializeRegisters() {
        for (int i = 0; i <= 8; i++) {
            emit(lddw(Register.of(i), value()));
        }
    }

    private void resetArguments() {
        for (int i = 1; i <= 5; i++) {
            emit(mov64(Register.of(i), imm()));
        }
    }

    private void statements(int count, int subprogram, int loops, int nesting) {
        for (int i = 0; i < count && budget > 0; i++) {
            budget--;
            statement(subprogram, loops, nesting);
        }
    }

    private void statement(int subprogram, int loops, int nesting) {
        // 0-99: the original mix; 100-124: the shapes the compiler's peepholes rewrite (Peepholes).
        int pick = random.nextInt(125);
        if (pick >= 100) {
            peepholeShape(pick - 100, subprogram, loops, nesting);
        } else if (pick < 30) {
            alu();
        } else if (pick < 40) {
            load();
        } else if (pick < 50) {
            store();
        } else if (pick < 56) {
            atomicStatement();
        } else if (pick < 66 && nesting < 3) {
            String skip = newLabel();
            emit(condition(skip));
            statements(1 + random.nextInt(4), subprogram, loops, nesting + 1);
            out.add(label(skip));
        } else if (pick < 72 && loops < 2) {
            loop(subprogram, loops, nesting);
        } else if (pick < 80) {
            helperCall();
        } else if (pick < 85 && subprogram < subprogramCount) {
            int callee = subprogram + 1 + random.nextInt(subprogramCount - subprogram);
            emit(mov64(R1, R9));
            emit(callLocal(subprogramLabel(callee)));
            resetArguments();
        } else if (pick < 90) {
            emit(lddw(dst(), value()));
        } else if (pick < 95) {
            unary();
        } else {
            // Skip over dead code with ja or gotol.
            String skip = newLabel();
            emit(random.nextBoolean() ? ja(skip) : gotol(skip));
            statements(1 + random.nextInt(3), subprogram, loops, nesting + 1);
            out.add(label(skip));
        }
    }

    /** One of the shapes {@link Peepholes} plans for, in the variants that must and must not be rewritten. */
    private void peepholeShape(int pick, int subprogram, int loops, int nesting) {
        if (pick < 6) {
            indexedAccess();
        } else if (pick < 9) {
            addressPair();
        } else if (pick < 15 && nesting < 3) {
            select();
        } else if (pick < 18 && nesting < 3) {
            String taken = newLabel();
            String skip = newLabel();
            emit(condition(taken));
            emit(random.nextBoolean() ? ja(skip) : gotol(skip));
            out.add(label(taken));
            statements(1 + random.nextInt(3), subprogram, loops, nesting + 1);
            out.add(label(skip));
        } else if (nesting < 3) {
            compareTree(subprogram, loops, nesting);
        } else {
            alu();
        }
    }

    /**
     * {@code at = base; at += index|imm; [unrelated statements]; access [at + off]}, base r9 or r10, the index
     * masked into range: the pair the compiler folds into the access's addressing mode when at is dead
     * after it (a stack address is always forgotten at once) or the access overwrites it, and makes a
     * lea of otherwise.
     */
    private void indexedAccess() {
        boolean onStack = random.nextBoolean();
        Size size = size();
        Register index = dst();
        Register at = dst();
        while (at == index) {
            at = dst();
        }
        boolean byRegister = random.nextInt(3) != 0;
        int off;
        if (byRegister) {
            emit(mov64(index, src()));
            emit(alu64(AluOp.AND, index, onStack ? 0x1e0 : 0xf8));
            emit(mov64(at, onStack ? R10 : R9));
            emit(add64(at, index));
            off = onStack ? -512 : 0;
        } else {
            int start = onStack ? -512 + random.nextInt(512 + STACK_STORE_TOP - 8) : random.nextInt(REGION - 8);
            int back = random.nextInt(Math.min(64, onStack ? start + 512 : start) + 1);
            emit(mov64(at, onStack ? R10 : R9));
            emit(add64(at, start + back));
            off = -back;
        }
        if (random.nextInt(4) == 0) {
            // Between the pair and the access: something that touches none of at, its base and its index.
            Register other = dst();
            if (other != at && other != index) {
                emit(ldx(Size.DW, other, R9, 8 * random.nextInt(REGION / 8)));
            }
        }
        if (random.nextBoolean()) {
            boolean signed = size != Size.DW && random.nextBoolean();
            Register to = random.nextInt(3) == 0 ? at : dst();
            emit(loadInsn(signed, size, to, at, off));
            if (onStack && to != at) {
                emit(mov64(at, imm()));
            }
        } else {
            if (random.nextBoolean()) {
                Register value = src();
                while (onStack && value == at) {
                    value = src();
                }
                emit(stx(size, at, off, value));
            } else {
                emit(st(size, at, off, imm()));
            }
            if (onStack || random.nextBoolean()) {
                emit(mov64(at, imm()));
            }
        }
    }

    /** {@code d = a; d += b|imm} on values (the lea form), b possibly d itself. */
    private void addressPair() {
        Register d = dst();
        emit(mov64(d, src()));
        switch (random.nextInt(3)) {
            case 0 -> emit(add64(d, imm()));
            case 1 -> emit(add64(d, d));
            default -> emit(add64(d, src()));
        }
    }

    /** A forward jump over one to three ALU instructions that all write one register (a select). */
    private void select() {
        String skip = newLabel();
        emit(condition(skip));
        Register d = dst();
        int count = 1 + random.nextInt(3);
        AluOp[] ops = {AluOp.ADD, AluOp.SUB, AluOp.AND, AluOp.OR, AluOp.XOR, AluOp.MUL, AluOp.MOV, AluOp.LSH,
            AluOp.RSH, AluOp.ARSH, AluOp.NEG};
        for (int i = 0; i < count; i++) {
            AluOp op = ops[random.nextInt(ops.length)];
            boolean is64 = random.nextBoolean();
            boolean shift = op == AluOp.LSH || op == AluOp.RSH || op == AluOp.ARSH;
            if (op == AluOp.NEG) {
                emit(is64 ? neg64(d) : neg32(d));
            } else if (!shift && random.nextBoolean()) {
                emit(new Instruction(Opcode.alu(is64, op, true), d, random.nextInt(3) == 0 ? d : src(), 0, 0));
            } else {
                emit(new Instruction(Opcode.alu(is64, op, false), d, R0, 0, imm()));
            }
        }
        out.add(label(skip));
    }

    /**
     * A switch as clang lowers it: {@code d &= mask}, then a tree of compares of d with constants (every
     * comparison, both classes) leading to case bodies that each end with a jump past the switch.
     */
    private void compareTree(int subprogram, int loops, int nesting) {
        int[] masks = {1, 3, 7, 15, 31, 63};
        int mask = masks[random.nextInt(masks.length)];
        Register d = dst();
        emit(mov64(d, src()));
        emit(random.nextBoolean() ? alu64(AluOp.AND, d, mask) : alu32(AluOp.AND, d, mask));
        int cases = 2 + random.nextInt(Math.min(6, mask + 1) - 1);
        String end = newLabel();
        String[] caseLabels = new String[cases];
        for (int c = 0; c < cases; c++) {
            caseLabels[c] = newLabel();
        }
        int[] caseOf = new int[mask + 1];
        for (int v = 0; v <= mask; v++) {
            caseOf[v] = random.nextInt(cases);
        }
        treeNode(d, 0, mask, caseOf, caseLabels);
        for (int c = 0; c < cases; c++) {
            out.add(label(caseLabels[c]));
            statements(1 + random.nextInt(2), subprogram, loops, nesting + 1);
            emit(ja(end));
        }
        out.add(label(end));
    }

    /** Compares that send every value of [lo, hi] in d to its case. */
    private void treeNode(Register d, int lo, int hi, int[] caseOf, String[] caseLabels) {
        if (lo == hi) {
            emit(ja(caseLabels[caseOf[lo]]));
            return;
        }
        if (hi == lo + 1 && random.nextBoolean()) {
            emit(jumpOn(d, JumpOp.JEQ, lo, caseLabels[caseOf[lo]]));
            emit(ja(caseLabels[caseOf[hi]]));
            return;
        }
        int mid = lo + random.nextInt(hi - lo);
        String right = newLabel();
        switch (random.nextInt(4)) {
            case 0 -> emit(jumpOn(d, JumpOp.JGT, mid, right));
            case 1 -> emit(jumpOn(d, JumpOp.JSGT, mid, right));
            case 2 -> emit(jumpOn(d, JumpOp.JGE, mid + 1, right));
            default -> {
                // The left half behind the jump: d < mid + 1, or d s<= mid, leads there.
                String left = newLabel();
                boolean unsigned = random.nextBoolean();
                emit(jumpOn(d, unsigned ? JumpOp.JLT : JumpOp.JSLE, unsigned ? mid + 1 : mid, left));
                treeNode(d, mid + 1, hi, caseOf, caseLabels);
                out.add(label(left));
                treeNode(d, lo, mid, caseOf, caseLabels);
                return;
            }
        }
        treeNode(d, lo, mid, caseOf, caseLabels);
        out.add(label(right));
        treeNode(d, mid + 1, hi, caseOf, caseLabels);
    }

    private AsmItem jumpOn(Register d, JumpOp op, int imm, String target) {
        return random.nextBoolean() ? jump(op, d, imm, target) : jump32(op, d, imm, target);
    }

    /** A register statements may write: r0-r8. */
    private Register dst() {
        return Register.of(random.nextInt(9));
    }

    /** Any register whose value is the same on every engine: r0-r9 (r10 is an engine's stack address). */
    private Register src() {
        return Register.of(random.nextInt(10));
    }

    private int imm() {
        return switch (random.nextInt(6)) {
            case 0 -> random.nextInt(3) - 1;
            case 1 -> random.nextInt(64);
            case 2 -> random.nextInt(256) - 128;
            case 3 -> random.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE;
            default -> random.nextInt();
        };
    }

    private long value() {
        return switch (random.nextInt(5)) {
            case 0 -> random.nextInt(16);
            case 1 -> random.nextBoolean() ? Long.MIN_VALUE : -1L;
            case 2 -> random.nextInt();
            case 3 -> 0xffffffffL & random.nextInt();
            default -> random.nextLong();
        };
    }

    private void alu() {
        AluOp op = ALU_OPS[random.nextInt(ALU_OPS.length)];
        boolean is64 = random.nextBoolean();
        boolean reg = random.nextBoolean();
        int offset = 0;
        if ((op == AluOp.DIV || op == AluOp.MOD) && random.nextBoolean()) {
            offset = 1;
        } else if (op == AluOp.MOV && reg && random.nextInt(3) == 0) {
            int[] widths = is64 ? new int[] {8, 16, 32} : new int[] {8, 16};
            offset = widths[random.nextInt(widths.length)];
        }
        Register dst = dst();
        if (reg) {
            emit(new Instruction(Opcode.alu(is64, op, true), dst, src(), offset, 0));
        } else {
            emit(new Instruction(Opcode.alu(is64, op, false), dst, R0, offset, imm()));
        }
    }

    private void unary() {
        Register dst = dst();
        int[] widths = {16, 32, 64};
        int bits = widths[random.nextInt(3)];
        emit(switch (random.nextInt(5)) {
            case 0 -> neg64(dst);
            case 1 -> neg32(dst);
            case 2 -> le(dst, bits);
            case 3 -> be(dst, bits);
            default -> bswap(dst, bits);
        });
    }

    private Size size() {
        return Size.values()[random.nextInt(4)];
    }

    private void load() {
        Size size = size();
        boolean signed = size != Size.DW && random.nextBoolean();
        Register dst = dst();
        switch (random.nextInt(3)) {
            case 0 -> emit(loadInsn(signed, size, dst, R9, random.nextInt(REGION - size.bytes() + 1)));
            case 1 -> emit(loadInsn(signed, size, dst, R10, -512 + random.nextInt(512 - size.bytes() + 1)));
            default -> {
                boolean stack = random.nextBoolean();
                Register at = computedAddress(stack);
                emit(loadInsn(signed, size, dst, at, stack ? -512 : 0));
                if (stack && dst != at) {
                    emit(mov64(at, imm())); // forget the stack address
                }
            }
        }
    }

    private static Instruction loadInsn(boolean signed, Size size, Register dst, Register base, int off) {
        return signed ? ldxsx(size, dst, base, off) : ldx(size, dst, base, off);
    }

    /**
     * A register holding r9 + (a value masked to [0, 248]) or r10 + (masked to [0, 480]), the latter used
     * with offset -512 so that the access stays in [r10-512, r10-24].
     */
    private Register computedAddress(boolean onStack) {
        Register at = dst();
        emit(mov64(at, src()));
        emit(alu64(AluOp.AND, at, onStack ? 0x1e0 : 0xf8));
        emit(add64(at, onStack ? R10 : R9));
        return at;
    }

    private void store() {
        Size size = size();
        switch (random.nextInt(5)) {
            case 0 -> emit(stx(size, R9, random.nextInt(REGION - size.bytes() + 1), src()));
            case 1 -> emit(stx(size, R10, stackStoreOffset(size), src()));
            case 2 -> emit(st(size, R9, random.nextInt(REGION - size.bytes() + 1), imm()));
            case 3 -> emit(st(size, R10, stackStoreOffset(size), imm()));
            default -> {
                boolean onStack = random.nextBoolean();
                Register at = computedAddress(onStack);
                Register value = src();
                if (onStack) {
                    while (value == at) {
                        value = src();
                    }
                }
                emit(stx(size, at, onStack ? -512 : 0, value));
                if (onStack) {
                    emit(mov64(at, imm()));
                }
            }
        }
    }

    private int stackStoreOffset(Size size) {
        return -512 + random.nextInt(512 + STACK_STORE_TOP - size.bytes() + 1);
    }

    private void atomicStatement() {
        Size size = random.nextBoolean() ? Size.W : Size.DW;
        AtomicOp op = AtomicOp.values()[random.nextInt(AtomicOp.values().length)];
        boolean fetch = op == AtomicOp.XCHG || op == AtomicOp.CMPXCHG || random.nextBoolean();
        Register value = dst(); // fetch writes it back, so never r9
        int slots = size.bytes();
        if (random.nextBoolean()) {
            int off = slots * random.nextInt(REGION / slots);
            emit(atomic(size, op, fetch, R9, off, value));
        } else {
            int off = -512 + slots * random.nextInt((512 + STACK_STORE_TOP) / slots);
            emit(atomic(size, op, fetch, R10, off, value));
        }
    }

    private AsmItem condition(String target) {
        JumpOp op = CONDITIONS[random.nextInt(CONDITIONS.length)];
        boolean is32 = random.nextBoolean();
        if (random.nextBoolean()) {
            return is32 ? jump32(op, src(), src(), target) : jump(op, src(), src(), target);
        }
        return is32 ? jump32(op, src(), imm(), target) : jump(op, src(), imm(), target);
    }

    /** Runs its body 1-4 times, counting down the stack slot of its nesting level. */
    private void loop(int subprogram, int loops, int nesting) {
        int slot = -8 * (loops + 1);
        String top = newLabel();
        emit(st(Size.DW, R10, slot, 1 + random.nextInt(4)));
        out.add(label(top));
        statements(1 + random.nextInt(4), subprogram, loops + 1, nesting);
        Register counter = dst();
        emit(ldx(Size.DW, counter, R10, slot));
        emit(add64(counter, -1));
        emit(stx(Size.DW, R10, slot, counter));
        emit(jump(JumpOp.JNE, counter, 0, top));
    }

    private void helperCall() {
        switch (random.nextInt(4)) {
            case 0, 1 -> {
                for (int i = 1; i <= 5; i++) {
                    emit(random.nextBoolean() ? mov64(Register.of(i), src()) : mov64(Register.of(i), imm()));
                }
                emit(call(random.nextBoolean() ? TestNative.WEIGHTED_SUM : TestNative.CLOBBER));
            }
            case 2 -> {
                bytesArgument();
                emit(call(TestNative.SUM_BYTES));
            }
            default -> {
                bytesArgument();
                emit(mov64(R3, R2));
                Register fill = src();
                while (fill == R1) { // r1 may hold a stack address now
                    fill = src();
                }
                emit(mov64(R2, fill));
                emit(call(TestNative.FILL_BYTES));
            }
        }
        resetArguments();
    }

    /** r1 = a pointer into the region or the stack (below the counters), r2 = a length that stays inside. */
    private void bytesArgument() {
        boolean onStack = random.nextBoolean();
        if (onStack) {
            int room = 512 + STACK_STORE_TOP;
            int start = random.nextInt(room);
            emit(mov64(R1, R10));
            emit(add64(R1, -512 + start));
            emit(mov64(R2, random.nextInt(room - start + 1)));
        } else {
            int start = random.nextInt(REGION);
            emit(mov64(R1, R9));
            emit(add64(R1, start));
            emit(mov64(R2, random.nextInt(REGION - start + 1)));
        }
    }
}
