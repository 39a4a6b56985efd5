package dev.bpftime.isa;

/**
 * One opcode byte. ALU and jump opcodes split as {@code op(4) | source(1) | class(3)}, load and store
 * opcodes as {@code mode(3) | size(2) | class(3)} (RFC 9669 sections 3 and 5).
 *
 * <pre>
 *   ALU/JMP:    7 6 5 4 | 3 | 2 1 0        LD/LDX/ST/STX:  7 6 5 | 4 3 | 2 1 0
 *              +-------+---+------+                       +------+-----+------+
 *              |  op   | s | cls  |                       | mode | sz  | cls  |
 *              +-------+---+------+                       +------+-----+------+
 *   s: 0 = K (the immediate), 1 = X (the source register)
 * </pre>
 *
 * An Opcode may be any byte; {@link InstructionDecoder} decides which are instructions.
 */
public record Opcode(int value) {

    /** BPF_X: the operand is the source register, not the immediate. */
    public static final int SOURCE_REG = 0x08;

    public static final Opcode LDDW = new Opcode(0x18);
    public static final Opcode CALL = new Opcode(0x85);
    public static final Opcode CALLX = new Opcode(0x8d);
    public static final Opcode EXIT = new Opcode(0x95);
    public static final Opcode JA = new Opcode(0x05);
    /** JMP32 | JA: the "long jump" of v4 whose target is in the immediate. */
    public static final Opcode GOTOL = new Opcode(0x06);

    public Opcode {
        if (value < 0 || value > 0xff) {
            throw new IllegalArgumentException("opcode: actual " + value + " vs expected 0..255");
        }
    }

    public static Opcode alu(boolean is64, AluOp op, boolean regSource) {
        return new Opcode(op.code() | (regSource ? SOURCE_REG : 0)
                | (is64 ? InstructionClass.ALU64 : InstructionClass.ALU).code());
    }

    public static Opcode jump(boolean is32, JumpOp op, boolean regSource) {
        return new Opcode(op.code() | (regSource ? SOURCE_REG : 0)
                | (is32 ? InstructionClass.JMP32 : InstructionClass.JMP).code());
    }

    public static Opcode memory(InstructionClass cls, Mode mode, Size size) {
        if (cls.isAlu() || cls.isJump()) {
            throw new IllegalArgumentException("memory opcode needs LD, LDX, ST or STX, not " + cls);
        }
        return new Opcode(mode.code() | size.code() | cls.code());
    }

    public InstructionClass cls() {
        return InstructionClass.of(value);
    }

    /** True when an ALU or jump opcode takes the source register (BPF_X). */
    public boolean isRegisterSource() {
        return (value & SOURCE_REG) != 0;
    }

    /** The ALU operation, or null when this is not an ALU opcode or the code is unassigned. */
    public AluOp aluOp() {
        return cls().isAlu() ? AluOp.ofOrNull(value) : null;
    }

    /** The jump operation, or null when this is not a jump opcode or the code is unassigned. */
    public JumpOp jumpOp() {
        return cls().isJump() ? JumpOp.ofOrNull(value) : null;
    }

    /** The access size of a load or store opcode. */
    public Size size() {
        return Size.of(value);
    }

    /** The addressing mode of a load or store opcode, or null when unassigned. */
    public Mode mode() {
        return cls().isAlu() || cls().isJump() ? null : Mode.ofOrNull(value);
    }

    public boolean isLoadImm64() {
        return value == LDDW.value;
    }

    public boolean isCall() {
        return value == CALL.value || value == CALLX.value;
    }

    public boolean isExit() {
        return value == EXIT.value;
    }

    @Override
    public String toString() {
        return String.format("0x%02x", value);
    }
}
