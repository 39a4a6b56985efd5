package dev.bpftime.isa.conformance;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * The numbers of the {@code -- raw}, {@code -- mem} and {@code -- result} sections.
 *
 * <p>{@code -- raw} comes in two shapes: whole 8-byte slots as 64-bit numbers ({@code 0x5566778800000018},
 * opcode in the low byte, as tests/lddw.data writes them and bpf_conformance's parser reads every token),
 * or single bytes in memory order ({@code 07 00 01 00 ...}, as negative/unused-*.data, made by
 * generate_unused_field_tests.py, write them). A section must use one shape.
 */
final class HexText {

    private static final Pattern BYTE = Pattern.compile("[0-9a-fA-F]{1,2}");
    private static final Pattern SLOT = Pattern.compile("0[xX][0-9a-fA-F]{1,16}");
    private static final Pattern HEX64 = Pattern.compile("0[xX]([0-9a-fA-F]{1,16})");
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+");
    private static final BigInteger MIN_S64 = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX_U64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private HexText() {
    }

    static byte[] raw(String file, Section section) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Boolean slots = null;
        for (Section.Numbered line : section.contentLines()) {
            for (String token : line.text().split("\\s+")) {
                boolean isSlot = SLOT.matcher(token).matches();
                if (!isSlot && !BYTE.matcher(token).matches()) {
                    throw new ConformanceFormatException(file, line.line(), "-- raw: actual '" + token
                            + "' vs expected a byte of two hex digits (07) or a 64-bit slot (0x0000000000000095)");
                }
                if (slots != null && slots != isSlot) {
                    throw new ConformanceFormatException(file, line.line(), "-- raw mixes shapes: actual '" + token
                            + "' vs expected " + (slots ? "64-bit slots (0x...) only" : "single bytes only"));
                }
                slots = isSlot;
                if (isSlot) {
                    long v = Long.parseUnsignedLong(token.substring(2), 16);
                    for (int i = 0; i < 8; i++) {
                        out.write((int) (v >>> (8 * i)));
                    }
                } else {
                    out.write(Integer.parseInt(token, 16));
                }
            }
        }
        return out.toByteArray();
    }

    static byte[] memory(String file, Section section) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Section.Numbered line : section.contentLines()) {
            for (String token : line.text().split("\\s+")) {
                if (!BYTE.matcher(token).matches()) {
                    throw new ConformanceFormatException(file, line.line(), "-- mem: actual '" + token
                            + "' vs expected a byte of two hex digits");
                }
                out.write(Integer.parseInt(token, 16));
            }
        }
        return out.toByteArray();
    }

    /** The 64-bit result: hex (a bit pattern), or decimal -2^63..2^64-1. */
    static long result(String file, Section.Numbered line) {
        String t = line.text();
        var hex = HEX64.matcher(t);
        if (hex.matches()) {
            return Long.parseUnsignedLong(hex.group(1), 16);
        }
        if (DECIMAL.matcher(t).matches()) {
            BigInteger v = new BigInteger(t);
            if (v.compareTo(MIN_S64) >= 0 && v.compareTo(MAX_U64) <= 0) {
                return v.longValue();
            }
        }
        throw new ConformanceFormatException(file, line.line(), "-- result: actual '" + t
                + "' vs expected a 64-bit number, 0x-prefixed hex (at most 16 digits) or decimal");
    }
}
