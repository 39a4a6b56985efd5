package dev.bpftime.isa.asm;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.AtomicOp;
import dev.bpftime.isa.CallKind;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionClass;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Mode;
import dev.bpftime.isa.Opcode;
import dev.bpftime.isa.Register;
import dev.bpftime.isa.Size;
import java.util.List;

/**
 * What one mnemonic assembles to and which operands it takes. Encodings follow RFC 9669; the
 * spelling of mnemonics and operands follows bpf_conformance's test files.
 */
sealed interface Form {

    /** The operands, as shown in error messages: {@code DST, SRC|IMM}. */
    String syntax();

    /** How many comma-separated operands the mnemonic takes. */
    int operandCount();

    Encoded encode(List<String> operands);

    /** An instruction, and the label its distance must be resolved to (null when none). */
    record Encoded(Instruction insn, String label) {
        static Encoded of(Instruction insn) {
            return new Encoded(insn, null);
        }
    }

    /** Two-operand ALU: {@code add %r1, %r2}, {@code add32 %r1, 5}; sdiv/smod set offset 1 (RFC 9669 4.1). */
    record Alu(boolean is64, AluOp op, int offset) implements Form {
        public String syntax() {
            return "DST, SRC|IMM";
        }

        public int operandCount() {
            return 2;
        }

        public Encoded encode(List<String> ops) {
            Register dst = Operands.register(ops.get(0));
            String source = ops.get(1);
            if (Operands.isRegister(source)) {
                return Encoded.of(new Instruction(Opcode.alu(is64, op, true), dst, Operands.register(source), offset, 0));
            }
            return Encoded.of(new Instruction(Opcode.alu(is64, op, false), dst, Register.R0, offset,
                    Operands.imm32(source)));
        }
    }

    /** {@code movsx864 %r0, %r1}: mov with the source width in the offset; register source only (RFC 9669 4.1). */
    record SignExtendingMove(boolean is64, int bits) implements Form {
        public String syntax() {
            return "DST, SRC";
        }

        public int operandCount() {
            return 2;
        }

        public Encoded encode(List<String> ops) {
            Register dst = Operands.register(ops.get(0));
            if (!Operands.isRegister(ops.get(1))) {
                throw new OperandException("Invalid source of movsx: actual '" + ops.get(1)
                        + "' vs expected a register %r0..%r10");
            }
            return Encoded.of(new Instruction(Opcode.alu(is64, AluOp.MOV, true), dst, Operands.register(ops.get(1)),
                    bits, 0));
        }
    }

    /** {@code neg %r1}: the immediate form with every other field zero. */
    record Negate(boolean is64) implements Form {
        public String syntax() {
            return "DST";
        }

        public int operandCount() {
            return 1;
        }

        public Encoded encode(List<String> ops) {
            return Encoded.of(new Instruction(Opcode.alu(is64, AluOp.NEG, false), Operands.register(ops.get(0)),
                    Register.R0, 0, 0));
        }
    }

    /** be16/le32/bswap64: END with the width in the immediate; the opcode says which conversion. */
    record ByteSwap(Opcode opcode, int bits) implements Form {
        public String syntax() {
            return "DST";
        }

        public int operandCount() {
            return 1;
        }

        public Encoded encode(List<String> ops) {
            return Encoded.of(new Instruction(opcode, Operands.register(ops.get(0)), Register.R0, 0, bits));
        }
    }

    /** {@code ldxw %r0, [%r1+4]} and the sign-extending {@code ldxsw}. */
    record Load(Mode mode, Size size) implements Form {
        public String syntax() {
            return "DST, [SRC+OFF]";
        }

        public int operandCount() {
            return 2;
        }

        public Encoded encode(List<String> ops) {
            Register dst = Operands.register(ops.get(0));
            Operands.Memory m = Operands.memory(ops.get(1));
            return Encoded.of(new Instruction(Opcode.memory(InstructionClass.LDX, mode, size), dst, m.base(),
                    m.offset(), 0));
        }
    }

    /** {@code stw [%r10-4], 7}. */
    record StoreImmediate(Size size) implements Form {
        public String syntax() {
            return "[DST+OFF], IMM";
        }

        public int operandCount() {
            return 2;
        }

        public Encoded encode(List<String> ops) {
            Operands.Memory m = Operands.memory(ops.get(0));
            return Encoded.of(new Instruction(Opcode.memory(InstructionClass.ST, Mode.MEM, size), m.base(),
                    Register.R0, m.offset(), Operands.imm32(ops.get(1))));
        }
    }

    /** {@code stxdw [%r10-8], %r1}. */
    record StoreRegister(Size size) implements Form {
        public String syntax() {
            return "[DST+OFF], SRC";
        }

        public int operandCount() {
            return 2;
        }

        public Encoded encode(List<String> ops) {
            Operands.Memory m = Operands.memory(ops.get(0));
            return Encoded.of(new Instruction(Opcode.memory(InstructionClass.STX, Mode.MEM, size), m.base(),
                    Operands.register(ops.get(1)), m.offset(), 0));
        }
    }

    /** {@code lock fetch add32 [%r10-8], %r1}: an atomic with its operation in the immediate (RFC 9669 5.3). */
    record Atomic(Size size, AtomicOp op, boolean fetch) implements Form {
        public String syntax() {
            return "[DST+OFF], SRC";
        }

        public int operandCount() {
            return 2;
        }

        public Encoded encode(List<String> ops) {
            Operands.Memory m = Operands.memory(ops.get(0));
            int imm = op.code() | (fetch ? AtomicOp.FETCH : 0);
            return Encoded.of(new Instruction(Opcode.memory(InstructionClass.STX, Mode.ATOMIC, size), m.base(),
                    Operands.register(ops.get(1)), m.offset(), imm));
        }
    }

    /** {@code lddw %r0, 0x1122334455667788}: one instruction of two slots. */
    record LoadImm64() implements Form {
        public String syntax() {
            return "DST, IMM64";
        }

        public int operandCount() {
            return 2;
        }

        public Encoded encode(List<String> ops) {
            return Encoded.of(new Instruction(Opcode.LDDW, Operands.register(ops.get(0)), Register.R0, 0,
                    Literals.imm64(ops.get(1))));
        }
    }

    /** {@code jeq %r1, 5, +2}, {@code jne32 %r1, %r2, label}. */
    record ConditionalJump(boolean is32, JumpOp op) implements Form {
        public String syntax() {
            return "DST, SRC|IMM, TARGET";
        }

        public int operandCount() {
            return 3;
        }

        public Encoded encode(List<String> ops) {
            Register dst = Operands.register(ops.get(0));
            String source = ops.get(1);
            Operands.Target t = Operands.target(ops.get(2), false);
            Instruction insn = Operands.isRegister(source)
                    ? new Instruction(Opcode.jump(is32, op, true), dst, Operands.register(source), t.distance(), 0)
                    : new Instruction(Opcode.jump(is32, op, false), dst, Register.R0, t.distance(),
                            Operands.imm32(source));
            return new Encoded(insn, t.label());
        }
    }

    /** {@code ja +3} keeps the distance in the offset; {@code ja32} (gotol, v4) in the immediate. */
    record Goto(boolean wide) implements Form {
        public String syntax() {
            return "TARGET";
        }

        public int operandCount() {
            return 1;
        }

        public Encoded encode(List<String> ops) {
            Operands.Target t = Operands.target(ops.get(0), wide);
            Instruction insn = wide
                    ? new Instruction(Opcode.GOTOL, Register.R0, Register.R0, 0, t.distance())
                    : new Instruction(Opcode.JA, Register.R0, Register.R0, t.distance(), 0);
            return new Encoded(insn, t.label());
        }
    }

    /**
     * {@code call 5} / {@code call helper 5} (helper id), {@code call local TARGET} (BPF_PSEUDO_CALL),
     * {@code call runtime 7} (BPF_PSEUDO_KFUNC_CALL), {@code call %r2} (callx, target register in dst
     * as LLVM encodes it). Mode and target are separated by a space, so this is one operand of one or two words.
     */
    record Call() implements Form {
        public String syntax() {
            return "IMM | %rN | helper IMM | helper %rN | local TARGET | runtime IMM";
        }

        public int operandCount() {
            return 1;
        }

        public Encoded encode(List<String> ops) {
            String[] words = ops.get(0).trim().split("\\s+");
            if (words.length == 1) {
                return helper(words[0]);
            }
            if (words.length != 2) {
                throw new OperandException("Invalid number of operands for call: actual " + words.length
                        + " words vs expected 1 or 2 (call " + syntax() + ")");
            }
            String target = words[1];
            switch (words[0]) {
                case "helper":
                    return helper(target);
                case "local": {
                    Operands.Target t = Operands.target(target, true);
                    return new Encoded(new Instruction(Opcode.CALL, Register.R0, Register.of(CallKind.LOCAL.code()), 0,
                            t.distance()), t.label());
                }
                case "runtime":
                    return Encoded.of(new Instruction(Opcode.CALL, Register.R0, Register.of(CallKind.KFUNC.code()), 0,
                            Operands.imm32(target)));
                default:
                    throw new OperandException("Invalid call mode: actual '" + words[0]
                            + "' vs expected helper, local or runtime");
            }
        }

        private static Encoded helper(String target) {
            if (Operands.isRegister(target)) {
                return Encoded.of(new Instruction(Opcode.CALLX, Operands.register(target), Register.R0, 0, 0));
            }
            return Encoded.of(new Instruction(Opcode.CALL, Register.R0, Register.R0, 0, Operands.imm32(target)));
        }
    }

    record Exit() implements Form {
        public String syntax() {
            return "";
        }

        public int operandCount() {
            return 0;
        }

        public Encoded encode(List<String> ops) {
            return Encoded.of(new Instruction(Opcode.EXIT, Register.R0, Register.R0, 0, 0));
        }
    }
}
