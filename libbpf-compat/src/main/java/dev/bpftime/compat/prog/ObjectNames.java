package dev.bpftime.compat.prog;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import java.nio.charset.StandardCharsets;

/**
 * bpf_obj_name_cpy (kernel/bpf/syscall.c): an object name is at most 15 characters of [A-Za-z0-9_.]
 * followed by a NUL within the 16-byte field; anything else is EINVAL.
 */
public final class ObjectNames {

    private ObjectNames() {
    }

    public static String parse(byte[] field, String what) throws BpfException {
        for (int i = 0; i < field.length; i++) {
            int c = field[i] & 0xff;
            if (c == 0) {
                return new String(field, 0, i, StandardCharsets.US_ASCII);
            }
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '.';
            if (!ok) {
                throw new BpfException(Errno.EINVAL, String.format("%s: byte %d is 0x%02x vs expected a letter, digit,"
                        + " '_' or '.'", what, i, c));
            }
        }
        throw new BpfException(Errno.EINVAL, what + ": actual no NUL in " + field.length + " bytes vs expected at most "
                + (field.length - 1) + " characters");
    }
}
