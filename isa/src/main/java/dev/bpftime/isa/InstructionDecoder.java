package dev.bpftime.isa;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes to instructions. Refuses what RFC 9669 does not define: unknown opcodes, reserved fields that
 * are not zero (as the kernel's check_alu_op/check_mem_access/do_check refuse "uses reserved fields"),
 * registers 11-15 and a 64-bit immediate load without its second half. Nothing else is judged here:
 * whether a program is safe is the verifier's question.
 */
public final class InstructionDecoder {

    public static final int SLOT_BYTES = 8;

    private InstructionDecoder() {
    }

    /** Decodes a little-endian instruction stream (the byte order of x86-64 and of bpfel objects). */
    public static List<Instruction> decode(byte[] code) {
        return decode(code, 0, code.length, ByteOrder.LITTLE_ENDIAN);
    }

    public static List<Instruction> decode(byte[] code, int from, int length, ByteOrder order) {
        if (from < 0 || length < 0 || from > code.length - length) {
            throw new IndexOutOfBoundsException("range " + from + "+" + length + " of " + code.length + " bytes");
        }
        if (length % SLOT_BYTES != 0) {
            throw new DecodeException(length / SLOT_BYTES, "program length is not a whole number of instructions: actual "
                    + length + " bytes vs expected a multiple of 8");
        }
        ByteBuffer buf = ByteBuffer.wrap(code, from, length).slice().order(order);
        int slots = length / SLOT_BYTES;
        List<Instruction> out = new ArrayList<>(slots);
        for (int slot = 0; slot < slots; ) {
            Instruction insn = decodeAt(buf, slot, slots, order);
            out.add(insn);
            slot += insn.width();
        }
        return out;
    }

    /** Decodes the instruction starting at {@code slot}; an lddw also reads the following slot. */
    public static Instruction decodeAt(ByteBuffer buf, int slot, int slots, ByteOrder order) {
        RawSlot raw = RawSlot.read(buf, slot, order);
        if (raw.opcode() == Opcode.LDDW.value()) {
            if (slot + 1 >= slots) {
                throw new DecodeException(slot, "lddw is missing its second half: actual end of program after "
                        + slots + " slots vs expected a slot " + (slot + 1));
            }
            RawSlot second = RawSlot.read(buf, slot + 1, order);
            if (second.opcode() != 0 || second.dst() != 0 || second.src() != 0 || second.offset() != 0) {
                throw new DecodeException(slot + 1, "second half of lddw must be zero but for its immediate: actual "
                        + second.describe() + " vs expected opcode 0x00, registers 0, offset 0");
            }
            String problem = problemOfLddw(raw.src(), raw.dst(), raw.offset());
            if (problem != null) {
                throw new DecodeException(slot, problem);
            }
            long imm = (raw.imm() & 0xffffffffL) | ((long) second.imm() << 32);
            return new Instruction(Opcode.LDDW, Register.of(raw.dst()), Register.of(raw.src()), raw.offset(), imm);
        }
        String problem = problem(raw.opcode(), raw.dst(), raw.src(), raw.offset(), raw.imm());
        if (problem != null) {
            throw new DecodeException(slot, problem);
        }
        return new Instruction(new Opcode(raw.opcode()), Register.of(raw.dst()), Register.of(raw.src()),
                raw.offset(), raw.imm());
    }

    /** Throws the decoder's error when {@code insn} is not an instruction the decoder would return. */
    public static void check(Instruction insn, int slot) {
        String problem = insn.isLoadImm64()
                ? problemOfLddw(insn.src().index(), insn.dst().index(), insn.offset())
                : problem(insn.opcode().value(), insn.dst().index(), insn.src().index(), insn.offset(), insn.imm32());
        if (problem != null) {
            throw new DecodeException(slot, problem);
        }
    }

    private static String problemOfLddw(int src, int dst, int off) {
        if (PseudoSource.ofOrNull(src) == null) {
            return "lddw pseudo source: actual " + src + " vs expected 0..6";
        }
        if (off != 0) {
            return reserved("lddw", "offset", off);
        }
        return badRegister("dst", dst);
    }

    /** Fields an instruction form leaves unused; each must be zero (the kernel: "uses reserved fields"). */
    private static final int DST = 1, SRC = 2, OFF = 4, IMM = 8;

    /** Why a single-slot instruction is not valid, or null when it is. */
    static String problem(int opcode, int dst, int src, int off, int imm) {
        Opcode op = new Opcode(opcode);
        Fields f = new Fields(op, dst, src, off, imm);
        switch (op.cls()) {
            case ALU, ALU64 -> {
                return problemOfAlu(op, f);
            }
            case JMP, JMP32 -> {
                return problemOfJump(op, f);
            }
            case LD -> {
                Mode mode = op.mode();
                if ((mode != Mode.ABS && mode != Mode.IND) || op.size() == Size.DW) {
                    return unknown(opcode);
                }
                // ABS reads skb[imm], IND reads skb[src + imm]; both return in r0.
                return f.unused(DST | OFF | (mode == Mode.ABS ? SRC : 0), "src");
            }
            case LDX -> {
                Mode mode = op.mode();
                if (mode != Mode.MEM && !(mode == Mode.MEMSX && op.size() != Size.DW)) {
                    return unknown(opcode);
                }
                return f.unused(IMM, "dst", "src");
            }
            case ST -> {
                return op.mode() == Mode.MEM ? f.unused(SRC, "dst") : unknown(opcode);
            }
            case STX -> {
                Mode mode = op.mode();
                if (mode == Mode.MEM) {
                    return f.unused(IMM, "dst", "src");
                }
                if (mode == Mode.ATOMIC && (op.size() == Size.W || op.size() == Size.DW)) {
                    if (AtomicOp.ofOrNull(imm) == null) {
                        return String.format("unknown atomic operation: actual imm 0x%x vs expected one of "
                                + "add, or, and, xor (each with or without fetch), xchg, cmpxchg", imm);
                    }
                    return f.unused(0, "dst", "src");
                }
                return unknown(opcode);
            }
            default -> throw new AssertionError(op.cls());
        }
    }

    private static String problemOfAlu(Opcode op, Fields f) {
        AluOp alu = op.aluOp();
        boolean is64 = op.cls() == InstructionClass.ALU64;
        boolean reg = op.isRegisterSource();
        if (alu == null || (alu == AluOp.NEG && reg) || (alu == AluOp.END && is64 && reg)) {
            return unknown(op.value());
        }
        switch (alu) {
            case NEG -> {
                return f.unused(SRC | OFF | IMM, "dst");
            }
            case END -> {
                if (f.imm != 16 && f.imm != 32 && f.imm != 64) {
                    return "byte swap width: actual " + f.imm + " vs expected 16, 32 or 64";
                }
                return f.unused(SRC | OFF, "dst");
            }
            default -> {
                if (f.off != 0) {
                    boolean signedDivMod = (alu == AluOp.DIV || alu == AluOp.MOD) && f.off == 1;
                    boolean movsx = alu == AluOp.MOV && reg && (f.off == 8 || f.off == 16 || (is64 && f.off == 32));
                    if (!signedDivMod && !movsx) {
                        String expected = alu == AluOp.DIV || alu == AluOp.MOD ? "0 or 1"
                                : alu == AluOp.MOV && reg ? (is64 ? "0, 8, 16 or 32" : "0, 8 or 16") : "0";
                        return "reserved field offset of " + f.name() + ": actual " + f.off + " vs expected " + expected;
                    }
                }
                return reg ? f.unused(IMM, "dst", "src") : f.unused(SRC, "dst");
            }
        }
    }

    private static String problemOfJump(Opcode op, Fields f) {
        JumpOp jmp = op.jumpOp();
        boolean is32 = op.cls() == InstructionClass.JMP32;
        boolean reg = op.isRegisterSource();
        boolean unassigned = jmp == null || (jmp == JumpOp.JA && reg) || (jmp == JumpOp.CALL && is32)
                || (jmp == JumpOp.EXIT && (is32 || reg));
        if (unassigned) {
            return unknown(op.value());
        }
        switch (jmp) {
            case JA -> {
                // ja keeps its target in the offset, gotol (JMP32) in the immediate.
                return f.unused(DST | SRC | (is32 ? OFF : IMM));
            }
            case CALL -> {
                if (reg) {
                    // callx: the target address is in dst (LLVM's encoding).
                    return f.unused(SRC | OFF | IMM, "dst");
                }
                CallKind kind = CallKind.ofOrNull(f.src);
                String dstProblem = f.unused(DST);
                if (dstProblem != null) {
                    return dstProblem;
                }
                if (kind == null) {
                    return "call kind in src: actual " + f.src + " vs expected 0 (helper), 1 (local) or 2 (kfunc)";
                }
                // A kfunc call keeps the index of its module BTF in the offset.
                return kind == CallKind.KFUNC ? null : f.unused(OFF);
            }
            case EXIT -> {
                return f.unused(DST | SRC | OFF | IMM);
            }
            default -> {
                return reg ? f.unused(IMM, "dst", "src") : f.unused(SRC, "dst");
            }
        }
    }

    /** The raw fields of one slot, and the checks every form makes of them. */
    private record Fields(Opcode op, int dst, int src, int off, int imm) {

        /** The opcode as errors name it; formatted only when there is an error (the JIT checks every instruction). */
        String name() {
            return op.toString();
        }

        /** The first problem: a field in {@code zero} that is not, or a named register field above r10. */
        String unused(int zero, String... registers) {
            if ((zero & DST) != 0 && dst != 0) {
                return reserved(name(), "dst", dst);
            }
            if ((zero & SRC) != 0 && src != 0) {
                return reserved(name(), "src", src);
            }
            if ((zero & OFF) != 0 && off != 0) {
                return reserved(name(), "offset", off);
            }
            if ((zero & IMM) != 0 && imm != 0) {
                return reserved(name(), "imm", imm);
            }
            for (String r : registers) {
                String bad = badRegister(r, r.equals("dst") ? dst : src);
                if (bad != null) {
                    return bad;
                }
            }
            return null;
        }
    }

    private static String unknown(int opcode) {
        return String.format("unknown opcode 0x%02x", opcode);
    }

    private static String reserved(String opcode, String field, int actual) {
        return "reserved field " + field + " of " + opcode + " is not zero: actual " + actual + " vs expected 0";
    }

    private static String badRegister(String field, int index) {
        return index > 10 ? "bad register in " + field + ": actual r" + index + " vs expected r0..r10" : null;
    }
}
