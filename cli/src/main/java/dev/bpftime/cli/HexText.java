package dev.bpftime.cli;

import java.io.ByteArrayOutputStream;

/**
 * Bytes written as hex text, in the order written: "b7 01 00 00 2a 00 00 00", "b70100002a000000",
 * "0xb7, 0x01, ...". Tokens are separated by white space or commas; each may start with 0x and
 * must hold whole bytes (an even number of digits), so "0xb 0x7" is refused rather than merged.
 */
public final class HexText {

    private HexText() {
    }

    /** The bytes of {@code text}; a {@link CliException} naming the character at fault otherwise. */
    public static byte[] parse(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        int n = text.length();
        while (i < n) {
            if (isSeparator(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && !isSeparator(text.charAt(i))) {
                i++;
            }
            readToken(text, start, i, out);
        }
        return out.toByteArray();
    }

    private static void readToken(String text, int start, int end, ByteArrayOutputStream out) {
        int digits = start;
        if (end - start >= 2 && text.charAt(start) == '0' && (text.charAt(start + 1) | 0x20) == 'x') {
            digits += 2;
        }
        String token = text.substring(start, end);
        for (int i = digits; i < end; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                throw new CliException("hex text at character " + (i + 1) + " (in \"" + token + "\"): actual '"
                        + text.charAt(i) + "' vs expected a hex digit");
            }
        }
        int count = end - digits;
        if (count == 0 || count % 2 != 0) {
            throw new CliException("hex text at character " + (start + 1) + " (\"" + token + "\"): actual "
                    + count + " hex digit" + (count == 1 ? "" : "s") + " vs expected whole bytes, two digits each");
        }
        for (int i = digits; i < end; i += 2) {
            out.write(Character.digit(text.charAt(i), 16) << 4 | Character.digit(text.charAt(i + 1), 16));
        }
    }

    private static boolean isSeparator(char c) {
        return c == ',' || Character.isWhitespace(c);
    }

    /** "b7 01 00 00", the inverse of {@link #parse} for {@code length} bytes at {@code from}. */
    public static String format(byte[] bytes, int from, int length) {
        StringBuilder sb = new StringBuilder(length * 3);
        for (int i = from; i < from + length; i++) {
            if (i > from) {
                sb.append(' ');
            }
            sb.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append(Character.forDigit(bytes[i] & 0xf, 16));
        }
        return sb.toString();
    }
}
