package dev.bpftime.isa.asm;

/**
 * A malformed operand or statement, before the assembler knows its line; {@link Assembler} turns it
 * into an {@link AssemblyException}. Never leaves this package.
 */
final class OperandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OperandException(String reason) {
        super(reason, null, false, false);
    }
}
