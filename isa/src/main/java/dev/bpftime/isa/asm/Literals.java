package dev.bpftime.isa.asm;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Numbers of the bpf_conformance syntax: decimal or {@code 0x} hex, with an optional sign.
 * A hex immediate without a minus sign is a bit pattern of the field (so {@code 0xfffffffe} is the
 * 32-bit immediate -2, as bpf_conformance's assembler reads it); a decimal or negative one is a
 * signed value. Offsets are always signed values. Nothing is truncated silently.
 */
final class Literals {

    private static final Pattern NUMBER = Pattern.compile("([+-]?)(?:0[xX]([0-9a-fA-F]+)|([0-9]+))");
    private static final BigInteger MIN_S64 = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX_U64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private Literals() {
    }

    /** The 32-bit immediate field: -2147483648..2147483647, or hex 0x0..0xffffffff. */
    static int imm32(String text) {
        Parsed p = parse(text, "immediate");
        long v = p.value.longValue();
        boolean fits = p.value.bitLength() < 64
                && (p.hexPattern() ? v >= 0 && v <= 0xffffffffL : v == (int) v);
        if (!fits) {
            throw new OperandException("Immediate out of 32-bit range: actual " + text
                    + " vs expected -2147483648..2147483647 or 0x0..0xffffffff");
        }
        return (int) v;
    }

    /** The 64-bit immediate of lddw: -2^63..2^64-1 (a value above 2^63-1 is its unsigned bit pattern). */
    static long imm64(String text) {
        Parsed p = parse(text, "immediate");
        if (p.value.compareTo(MIN_S64) < 0 || p.value.compareTo(MAX_U64) > 0) {
            throw new OperandException("Immediate out of 64-bit range: actual " + text
                    + " vs expected -9223372036854775808..18446744073709551615 or 0x0..0xffffffffffffffff");
        }
        return p.value.longValue();
    }

    /** A signed 16-bit offset (memory displacement or jump distance), its sign included in the text. */
    static short offset16(String text) {
        Parsed p = parse(text, "offset");
        if (p.value.bitLength() > 15) {
            throw new OperandException("Offset out of 16-bit range: actual " + text + " vs expected -32768..32767");
        }
        return p.value.shortValue();
    }

    /** A signed 32-bit distance (the immediate of ja32 and of a local call), its sign included in the text. */
    static int distance32(String text) {
        Parsed p = parse(text, "jump distance");
        if (p.value.bitLength() > 31) {
            throw new OperandException("Jump distance out of 32-bit range: actual " + text
                    + " vs expected -2147483648..2147483647");
        }
        return p.value.intValue();
    }

    private record Parsed(BigInteger value, boolean hex, boolean negative) {
        boolean hexPattern() {
            return hex && !negative;
        }
    }

    private static Parsed parse(String text, String what) {
        Matcher m = NUMBER.matcher(text);
        if (!m.matches()) {
            throw new OperandException("Invalid " + what + ": actual '" + text
                    + "' vs expected a decimal or 0x-prefixed hex number");
        }
        boolean hex = m.group(2) != null;
        BigInteger magnitude = hex ? new BigInteger(m.group(2), 16) : new BigInteger(m.group(3));
        boolean negative = m.group(1).equals("-");
        return new Parsed(negative ? magnitude.negate() : magnitude, hex, negative);
    }
}
