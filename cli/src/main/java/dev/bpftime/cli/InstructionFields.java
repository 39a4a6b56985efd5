package dev.bpftime.cli;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.AtomicOp;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionClass;
import dev.bpftime.isa.Mode;
import dev.bpftime.isa.PseudoSource;
import java.util.Locale;

/**
 * A plain text of an instruction's fields, for {@code bpftime decode}: what the opcode byte says,
 * then every field as stored. Not assembler syntax (that is the disassembler's job); e.g.
 *
 * <pre>
 *   alu64 mov k             dst=r1 src=r0 off=0 imm=42
 *   stx atomic dw add fetch dst=r10 src=r1 off=-8 imm=1
 *   ld imm dw map_fd        dst=r1 src=r1 off=0 imm=0x5
 * </pre>
 */
public final class InstructionFields {

    /** Wide enough for the longest opcode text, "stx atomic dw cmpxchg". */
    static final int OPCODE_WIDTH = 24;

    private InstructionFields() {
    }

    public static String describe(Instruction insn) {
        String op = opcodeText(insn);
        String imm = insn.isLoadImm64() ? "0x" + Long.toHexString(insn.imm()) : Long.toString(insn.imm());
        return String.format("%-" + OPCODE_WIDTH + "s dst=%s src=%s off=%d imm=%s",
                op, insn.dst(), insn.src(), insn.offset(), imm);
    }

    /** The opcode byte in words: class, then operation and operand source, or mode and size. */
    public static String opcodeText(Instruction insn) {
        InstructionClass cls = insn.cls();
        StringBuilder sb = new StringBuilder(lower(cls));
        if (cls.isAlu()) {
            AluOp alu = insn.opcode().aluOp();
            sb.append(' ').append(lower(alu));
            if (alu == AluOp.END) {
                // The source bit picks the byte order in ALU (to-le/to-be); ALU64 has only bswap (v4).
                sb.append(cls == InstructionClass.ALU64 ? " bswap" : insn.opcode().isRegisterSource() ? " be" : " le");
            } else {
                sb.append(insn.opcode().isRegisterSource() ? " x" : " k");
            }
        } else if (cls.isJump()) {
            sb.append(' ').append(lower(insn.opcode().jumpOp()));
            if (insn.opcode().isCall()) {
                if (insn.callKind() != null && !insn.opcode().isRegisterSource()) {
                    sb.append(' ').append(lower(insn.callKind()));
                } else {
                    sb.append(" x");
                }
            } else if (!insn.isExit()) {
                sb.append(insn.opcode().isRegisterSource() ? " x" : " k");
            }
        } else {
            Mode mode = insn.opcode().mode();
            sb.append(' ').append(lower(mode)).append(' ').append(lower(insn.opcode().size()));
            AtomicOp atomic = insn.atomicOp();
            if (atomic != null) {
                sb.append(' ').append(lower(atomic));
                if (atomic != AtomicOp.XCHG && atomic != AtomicOp.CMPXCHG
                        && (insn.imm32() & AtomicOp.FETCH) != 0) {
                    sb.append(" fetch");
                }
            }
            PseudoSource pseudo = insn.pseudoSource();
            if (pseudo != null && pseudo != PseudoSource.IMM64) {
                sb.append(' ').append(lower(pseudo));
            }
        }
        return sb.toString();
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
