package dev.bpftime.obj.btf;

/**
 * The kernel's name rules for BTF (kernel/bpf/btf.c btf_name_valid_identifier, btf_name_valid_section),
 * with the kernel's own character classes (lib/ctype.c): Latin-1, so bytes 0xc0-0xff other than 0xd7 and
 * 0xf7 are letters, 0xa0-0xff are printable and 0x80-0x9f are nothing.
 */
final class Names {

    /** KSYM_NAME_LEN (include/linux/kallsyms.h): longer names are refused. */
    static final int KSYM_NAME_LEN = 512;

    private Names() {
    }

    static boolean isAlpha(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0xc0 && c != 0xd7 && c != 0xf7);
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    static boolean isPrint(int c) {
        return (c >= 0x20 && c <= 0x7e) || c >= 0xa0;
    }

    private static boolean identifierChar(int c, boolean first) {
        return c == '_' || c == '.' || isAlpha(c) || (!first && isDigit(c));
    }

    /** A C identifier of at most KSYM_NAME_LEN bytes, '.' allowed too. */
    static boolean validIdentifier(RawBtf btf, long offset) {
        int at = btf.stringAt(offset);
        byte[] d = btf.data;
        if (!identifierChar(d[at] & 0xff, true)) {
            return false;
        }
        int limit = at + KSYM_NAME_LEN;
        int p = at + 1;
        while (d[p] != 0 && p < limit) {
            if (!identifierChar(d[p] & 0xff, false)) {
                return false;
            }
            p++;
        }
        return d[p] == 0;
    }

    /** A non-empty printable string of at most KSYM_NAME_LEN bytes (DATASEC names such as ".rodata.str1.1"). */
    static boolean validSection(RawBtf btf, long offset) {
        int at = btf.stringAt(offset);
        byte[] d = btf.data;
        if (d[at] == 0) {
            return false;
        }
        int limit = at + KSYM_NAME_LEN;
        int p = at;
        while (d[p] != 0 && p < limit) {
            if (!isPrint(d[p] & 0xff)) {
                return false;
            }
            p++;
        }
        return d[p] == 0;
    }
}
