package dev.bpftime.isa.asm;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.AtomicOp;
import dev.bpftime.isa.CallKind;
import dev.bpftime.isa.DecodeException;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionClass;
import dev.bpftime.isa.InstructionDecoder;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Mode;
import dev.bpftime.isa.Opcode;
import dev.bpftime.isa.PseudoSource;
import dev.bpftime.isa.Register;
import dev.bpftime.isa.Size;
import java.util.List;
import java.util.Locale;

/**
 * Instructions printed in the syntax {@link Assembler} reads, one per line, jumps as {@code +N}/{@code -N};
 * assembling the text gives the same bytes back. Immediates from 0 to 255 and negative ones are
 * decimal, larger ones hex.
 *
 * <p>Refuses, with an IllegalArgumentException, what the syntax cannot say: an instruction the
 * decoder would refuse, legacy packet loads (LD ABS/IND), lddw with a pseudo source, a kfunc call
 * with a module BTF index in its offset.
 */
public final class ConformanceSyntax {

    private ConformanceSyntax() {
    }

    /** The program as text, one instruction per line, each line ending with a newline. */
    public static String print(List<Instruction> program) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < program.size(); i++) {
            sb.append(print(program.get(i), i)).append('\n');
        }
        return sb.toString();
    }

    public static String print(Instruction insn) {
        return print(insn, 0);
    }

    private static String print(Instruction insn, int index) {
        try {
            InstructionDecoder.check(insn, index);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("not a valid instruction, so not printable: " + e.getMessage(), e);
        }
        Opcode op = insn.opcode();
        return switch (op.cls()) {
            case ALU, ALU64 -> alu(insn);
            case JMP, JMP32 -> jump(insn);
            case LD -> lddw(insn, index);
            case LDX -> (op.mode() == Mode.MEMSX ? "ldxs" : "ldx") + size(insn) + " " + reg(insn.dst()) + ", "
                    + memory(insn.src(), insn.offset());
            case ST -> "st" + size(insn) + " " + memory(insn.dst(), insn.offset()) + ", " + imm(insn.imm32());
            case STX -> op.mode() == Mode.ATOMIC ? atomic(insn)
                    : "stx" + size(insn) + " " + memory(insn.dst(), insn.offset()) + ", " + reg(insn.src());
        };
    }

    private static String alu(Instruction insn) {
        Opcode op = insn.opcode();
        boolean is64 = op.cls() == InstructionClass.ALU64;
        String suffix = is64 ? "" : "32";
        AluOp alu = op.aluOp();
        String dst = reg(insn.dst());
        switch (alu) {
            case END: {
                String kind = is64 ? "bswap" : op.isRegisterSource() ? "be" : "le";
                return kind + insn.imm32() + " " + dst;
            }
            case NEG:
                return "neg" + suffix + " " + dst;
            case MOV:
                if (insn.offset() != 0) {
                    return "movsx" + insn.offset() + (is64 ? "64" : "32") + " " + dst + ", " + reg(insn.src());
                }
                break;
            default:
                break;
        }
        String name = Mnemonics.aluName(alu);
        if ((alu == AluOp.DIV || alu == AluOp.MOD) && insn.offset() == 1) {
            name = "s" + name;
        }
        return name + suffix + " " + dst + ", " + source(insn);
    }

    private static String jump(Instruction insn) {
        Opcode op = insn.opcode();
        JumpOp jmp = op.jumpOp();
        switch (jmp) {
            case JA:
                return op.equals(Opcode.GOTOL) ? "ja32 " + distance(insn.imm32()) : "ja " + distance(insn.offset());
            case EXIT:
                return "exit";
            case CALL:
                if (op.equals(Opcode.CALLX)) {
                    return "call " + reg(insn.dst());
                }
                CallKind kind = insn.callKind();
                if (kind == CallKind.LOCAL) {
                    return "call local " + distance(insn.imm32());
                }
                if (kind == CallKind.KFUNC) {
                    if (insn.offset() != 0) {
                        throw new IllegalArgumentException("a kfunc call with module BTF index " + insn.offset()
                                + " in its offset has no bpf_conformance syntax: actual offset " + insn.offset()
                                + " vs expected 0");
                    }
                    return "call runtime " + imm(insn.imm32());
                }
                return "call " + imm(insn.imm32());
            default:
                String name = jmp.name().toLowerCase(Locale.ROOT) + (op.cls() == InstructionClass.JMP32 ? "32" : "");
                return name + " " + reg(insn.dst()) + ", " + source(insn) + ", " + distance(insn.offset());
        }
    }

    private static String lddw(Instruction insn, int index) {
        if (!insn.isLoadImm64()) {
            throw new IllegalArgumentException("instruction " + index + ": legacy packet load " + insn.opcode()
                    + " has no bpf_conformance syntax: actual LD " + insn.opcode().mode() + " vs expected lddw");
        }
        if (insn.pseudoSource() != PseudoSource.IMM64) {
            throw new IllegalArgumentException("instruction " + index + ": lddw with pseudo source "
                    + insn.pseudoSource() + " has no bpf_conformance syntax: actual src " + insn.src().index()
                    + " vs expected 0");
        }
        long v = insn.imm();
        return "lddw " + reg(insn.dst()) + ", " + (v >= 0 && v <= 255 ? Long.toString(v) : String.format("0x%x", v));
    }

    private static String atomic(Instruction insn) {
        AtomicOp op = insn.atomicOp();
        boolean fetch = (insn.imm32() & AtomicOp.FETCH) != 0 && op != AtomicOp.XCHG && op != AtomicOp.CMPXCHG;
        String width = insn.opcode().size() == Size.W ? "32" : "";
        return "lock " + (fetch ? "fetch " : "") + op.name().toLowerCase(Locale.ROOT) + width + " "
                + memory(insn.dst(), insn.offset()) + ", " + reg(insn.src());
    }

    private static String source(Instruction insn) {
        return insn.opcode().isRegisterSource() ? reg(insn.src()) : imm(insn.imm32());
    }

    private static String size(Instruction insn) {
        return Mnemonics.SIZE_SUFFIX.get(insn.opcode().size());
    }

    private static String reg(Register r) {
        return "%r" + r.index();
    }

    private static String memory(Register base, short offset) {
        return "[" + reg(base) + (offset == 0 ? "" : offset > 0 ? "+" + offset : Integer.toString(offset)) + "]";
    }

    private static String distance(int d) {
        return d >= 0 ? "+" + d : Integer.toString(d);
    }

    private static String imm(int v) {
        return v > 255 ? String.format("0x%x", v) : Integer.toString(v);
    }
}
