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

    /** Why a single-slot instruction is not valid, or null when it is. */
    static String problem(int opcode, int dst, int src, int off, int imm) {
        Opcode op = new Opcode(opcode);
        String name = op.toString();
        switch (op.cls()) {
            case ALU, ALU64 -> {
                return problemOfAlu(op, dst, src, off, imm);
            }
            case JMP, JMP32 -> {
                return problemOfJump(op, dst, src, off, imm);
            }
            case LD -> {
                Mode mode = op.mode();
                if ((mode != Mode.ABS && mode != Mode.IND) || op.size() == Size.DW) {
                    return unknown(opcode);
                }
                if (dst != 0) {
                    return reserved(name, "dst", dst);
                }
                if (off != 0) {
                    return reserved(name, "offset", off);
                }
                if (mode == Mode.ABS && src != 0) {
                    return reserved(name, "src", src);
                }
                return badRegister("src", src);
            }
            case LDX -> {
                Mode mode = op.mode();
                if (mode != Mode.MEM && !(mode == Mode.MEMSX && op.size() != Size.DW)) {
                    return unknown(opcode);
                }
                if (imm != 0) {
                    return reserved(name, "imm", imm);
                }
                return registers(dst, src);
            }
            case ST -> {
                if (op.mode() != Mode.MEM) {
                    return unknown(opcode);
                }
                if (src != 0) {
                    return reserved(name, "src", src);
                }
                return badRegister("dst", dst);
            }
            case STX -> {
                Mode mode = op.mode();
                if (mode == Mode.MEM) {
                    if (imm != 0) {
                        return reserved(name, "imm", imm);
                    }
                    return registers(dst, src);
                }
                if (mode == Mode.ATOMIC && (op.size() == Size.W || op.size() == Size.DW)) {
                    if (AtomicOp.ofOrNull(imm) == null) {
                        return String.format("unknown atomic operation: actual imm 0x%x vs expected one of "
                                + "add, or, and, xor (each with or without fetch), xchg, cmpxchg", imm);
                    }
                    return registers(dst, src);
                }
                return unknown(opcode);
            }
            default -> throw new AssertionError(op.cls());
        }
    }

    private static String problemOfAlu(Opcode op, int dst, int src, int off, int imm) {
        AluOp alu = op.aluOp();
        if (alu == null) {
            return unknown(op.value());
        }
        String name = op.toString();
        boolean is64 = op.cls() == InstructionClass.ALU64;
        boolean reg = op.isRegisterSource();
        switch (alu) {
            case NEG -> {
                if (reg) {
                    return unknown(op.value());
                }
                if (src != 0) {
                    return reserved(name, "src", src);
                }
                if (off != 0) {
                    return reserved(name, "offset", off);
                }
                if (imm != 0) {
                    return reserved(name, "imm", imm);
                }
                return badRegister("dst", dst);
            }
            case END -> {
                if (is64 && reg) {
                    return unknown(op.value());
                }
                if (src != 0) {
                    return reserved(name, "src", src);
                }
                if (off != 0) {
                    return reserved(name, "offset", off);
                }
                if (imm != 16 && imm != 32 && imm != 64) {
                    return "byte swap width: actual " + imm + " vs expected 16, 32 or 64";
                }
                return badRegister("dst", dst);
            }
            default -> {
                if (reg && imm != 0) {
                    return reserved(name, "imm", imm);
                }
                if (!reg && src != 0) {
                    return reserved(name, "src", src);
                }
                if (off != 0) {
                    boolean signedDivMod = (alu == AluOp.DIV || alu == AluOp.MOD) && off == 1;
                    boolean movsx = alu == AluOp.MOV && reg && (off == 8 || off == 16 || (is64 && off == 32));
                    if (!signedDivMod && !movsx) {
                        String expected = alu == AluOp.DIV || alu == AluOp.MOD ? "0 or 1"
                                : alu == AluOp.MOV && reg ? (is64 ? "0, 8, 16 or 32" : "0, 8 or 16") : "0";
                        return "reserved field offset of " + name + ": actual " + off + " vs expected " + expected;
                    }
                }
                return reg ? registers(dst, src) : badRegister("dst", dst);
            }
        }
    }

    private static String problemOfJump(Opcode op, int dst, int src, int off, int imm) {
        JumpOp jmp = op.jumpOp();
        if (jmp == null) {
            return unknown(op.value());
        }
        String name = op.toString();
        boolean is32 = op.cls() == InstructionClass.JMP32;
        boolean reg = op.isRegisterSource();
        switch (jmp) {
            case JA -> {
                if (reg) {
                    return unknown(op.value());
                }
                if (dst != 0) {
                    return reserved(name, "dst", dst);
                }
                if (src != 0) {
                    return reserved(name, "src", src);
                }
                // ja keeps its target in the offset, gotol (JMP32) in the immediate.
                if (is32 && off != 0) {
                    return reserved(name, "offset", off);
                }
                if (!is32 && imm != 0) {
                    return reserved(name, "imm", imm);
                }
                return null;
            }
            case CALL -> {
                if (is32) {
                    return unknown(op.value());
                }
                if (reg) {
                    // callx: the target address is in dst (LLVM's encoding).
                    if (src != 0) {
                        return reserved(name, "src", src);
                    }
                    if (off != 0) {
                        return reserved(name, "offset", off);
                    }
                    if (imm != 0) {
                        return reserved(name, "imm", imm);
                    }
                    return badRegister("dst", dst);
                }
                if (dst != 0) {
                    return reserved(name, "dst", dst);
                }
                CallKind kind = CallKind.ofOrNull(src);
                if (kind == null) {
                    return "call kind in src: actual " + src + " vs expected 0 (helper), 1 (local) or 2 (kfunc)";
                }
                // A kfunc call keeps the index of its module BTF in the offset.
                if (off != 0 && kind != CallKind.KFUNC) {
                    return reserved(name, "offset", off);
                }
                return null;
            }
            case EXIT -> {
                if (is32 || reg) {
                    return unknown(op.value());
                }
                if (dst != 0) {
                    return reserved(name, "dst", dst);
                }
                if (src != 0) {
                    return reserved(name, "src", src);
                }
                if (off != 0) {
                    return reserved(name, "offset", off);
                }
                if (imm != 0) {
                    return reserved(name, "imm", imm);
                }
                return null;
            }
            default -> {
                if (reg && imm != 0) {
                    return reserved(name, "imm", imm);
                }
                if (!reg && src != 0) {
                    return reserved(name, "src", src);
                }
                return reg ? registers(dst, src) : badRegister("dst", dst);
            }
        }
    }

    private static String unknown(int opcode) {
        return String.format("unknown opcode 0x%02x", opcode);
    }

    private static String reserved(String opcode, String field, int actual) {
        return "reserved field " + field + " of " + opcode + " is not zero: actual " + actual + " vs expected 0";
    }

    private static String registers(int dst, int src) {
        String d = badRegister("dst", dst);
        return d != null ? d : badRegister("src", src);
    }

    private static String badRegister(String field, int index) {
        return index > 10 ? "bad register in " + field + ": actual r" + index + " vs expected r0..r10" : null;
    }
}
