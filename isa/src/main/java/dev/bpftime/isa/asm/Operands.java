package dev.bpftime.isa.asm;

import dev.bpftime.isa.Register;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The operand forms: {@code %rN}, {@code [%rN+OFF]}, immediates, and jump targets ({@code +N}, {@code -N}, label). */
final class Operands {

    private static final Pattern REGISTER = Pattern.compile("%r(0|[1-9][0-9]?)");
    private static final Pattern MEMORY = Pattern.compile("\\[\\s*(%?[A-Za-z0-9]+)\\s*(?:([+-])\\s*(\\w+)\\s*)?]");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z_.][A-Za-z0-9_.]*");

    private Operands() {
    }

    /** A base register and a signed displacement, as in {@code [%r10-8]}. */
    record Memory(Register base, short offset) {
    }

    /** Where a jump or local call goes: a distance in slots when {@code label} is null, else a label. */
    record Target(int distance, String label) {
    }

    static boolean isRegister(String text) {
        return text.startsWith("%");
    }

    static Register register(String text) {
        Matcher m = REGISTER.matcher(text);
        if (m.matches()) {
            int index = Integer.parseInt(m.group(1));
            if (index <= 10) {
                return Register.of(index);
            }
        }
        throw new OperandException("Invalid register: actual '" + text + "' vs expected %r0..%r10");
    }

    static Memory memory(String text) {
        Matcher m = MEMORY.matcher(text);
        if (!m.matches()) {
            throw new OperandException("Failed to decode register and offset: actual '" + text
                    + "' vs expected [%rN], [%rN+OFF] or [%rN-OFF]");
        }
        Register base = register(m.group(1));
        short offset = m.group(2) == null ? 0 : Literals.offset16(m.group(2) + m.group(3));
        return new Memory(base, offset);
    }

    static int imm32(String text) {
        return Literals.imm32(text);
    }

    /**
     * {@code +N} or {@code -N} is a distance in slots from the next instruction; a name is a label.
     * A wide target (ja32, local call) lives in the 32-bit immediate, a narrow one in the 16-bit offset.
     */
    static Target target(String text, boolean wide) {
        if (text.startsWith("+") || text.startsWith("-")) {
            return new Target(wide ? Literals.distance32(text) : Literals.offset16(text), null);
        }
        if (isLabel(text)) {
            return new Target(0, text);
        }
        throw new OperandException("Invalid jump target: actual '" + text + "' vs expected a label, +N or -N");
    }

    static boolean isLabel(String text) {
        return LABEL.matcher(text).matches();
    }
}
