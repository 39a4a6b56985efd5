package dev.bpftime.jit;

import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionClass;
import dev.bpftime.isa.Mode;
import dev.bpftime.isa.PseudoSource;
import dev.bpftime.isa.Register;
import dev.bpftime.jit.x86.Mem;
import dev.bpftime.jit.x86.OpSize;
import dev.bpftime.jit.x86.Reg;
import dev.bpftime.jit.x86.X86Assembler;

/**
 * Loads, stores and the 64-bit immediate load (RFC 9669 section 5). Narrow loads zero-extend (movzx),
 * MEMSX loads sign-extend (v4); a 64-bit store of an immediate sign-extends it, as x86's does. An lddw of
 * a map becomes a movabs whose immediate the linker fills.
 */
final class MemoryEmitter {

    private final CodeGen gen;
    private final X86Assembler asm;
    private final AluEmitter alu;

    MemoryEmitter(CodeGen gen, AluEmitter alu) {
        this.gen = gen;
        this.asm = gen.asm;
        this.alu = alu;
    }

    void emit(Instruction insn, int index) {
        if (insn.cls() == InstructionClass.LD) {
            loadImm64(insn, index, RegisterMap.of(insn.dst()));
        } else {
            Register base = insn.cls() == InstructionClass.LDX ? insn.src() : insn.dst();
            emit(insn, Mem.of(RegisterMap.of(base), insn.offset()));
        }
    }

    /** A load or store at the given address instead of its own base plus offset (FOLDED_ACCESS). */
    void emit(Instruction insn, Mem m) {
        OpSize size = OpSize.ofBytes(insn.opcode().size().bytes());
        Reg dst = RegisterMap.of(insn.dst());
        Reg src = RegisterMap.of(insn.src());
        switch (insn.cls()) {
            case LDX -> {
                if (insn.opcode().mode() == Mode.MEMSX) {
                    asm.loadSigned(size, dst, m);
                } else {
                    asm.load(size, dst, m);
                }
            }
            case ST -> asm.storeImm(size, m, insn.imm32());
            case STX -> asm.store(size, m, src);
            default -> throw new IllegalArgumentException("not a load or store: " + insn);
        }
    }

    private void loadImm64(Instruction insn, int index, Reg dst) {
        PseudoSource pseudo = insn.pseudoSource();
        Relocation.Kind kind = switch (pseudo) {
            case IMM64 -> null;
            case MAP_FD -> Relocation.Kind.MAP_FD;
            case MAP_IDX -> Relocation.Kind.MAP_IDX;
            case MAP_VALUE -> Relocation.Kind.MAP_VALUE;
            case MAP_IDX_VALUE -> Relocation.Kind.MAP_IDX_VALUE;
            default -> throw new IllegalStateException("refused by ProgramAnalysis: " + pseudo);
        };
        if (kind == null) {
            alu.loadConstant(dst, insn.imm());
            return;
        }
        int key = (int) insn.imm();
        // For the value kinds the second slot's immediate is the offset into the value, unsigned.
        long addend = kind == Relocation.Kind.MAP_VALUE || kind == Relocation.Kind.MAP_IDX_VALUE
                ? insn.imm() >>> 32 : 0;
        int at = asm.movImm64(dst, 0);
        gen.relocate(at, kind, key, addend, index);
    }
}
