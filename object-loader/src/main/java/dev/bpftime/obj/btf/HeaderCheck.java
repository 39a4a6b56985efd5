package dev.bpftime.obj.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The header, the section layout and the string section, checked in the kernel's order
 * (kernel/bpf/btf.c btf_parse_hdr, btf_check_sec_info, btf_parse_str_sec).
 */
final class HeaderCheck {

    private HeaderCheck() {
    }

    /** btf_parse_hdr(): the header copy the kernel keeps, after checking magic, version, flags and layout. */
    static BtfHeader parse(byte[] data, ByteOrder order, BtfVerifierLog log) {
        long size = data.length;
        if (size < 8) {
            throw plain("hdr_len not found", "blob size: actual " + size + " bytes vs expected at least 8", 0);
        }
        ByteBuffer buf = ByteBuffer.wrap(data).order(order);
        long hdrLen = Integer.toUnsignedLong(buf.getInt(4));
        if (size < hdrLen) {
            throw plain("btf_header not found", "hdr_len: actual " + hdrLen + " vs expected at most the blob size "
                    + size, 4);
        }
        for (long i = BtfHeader.SIZE; i < hdrLen; i++) {
            if (data[(int) i] != 0) {
                throw new BtfException(Errno.E2BIG, "Unsupported btf_header", "header byte " + i + ": actual 0x"
                        + Integer.toHexString(data[(int) i] & 0xff) + " vs expected 0 beyond the " + BtfHeader.SIZE
                        + " bytes this kernel knows", 0, i);
            }
        }
        byte[] copy = new byte[BtfHeader.SIZE];
        System.arraycopy(data, 0, copy, 0, (int) Math.min(hdrLen, BtfHeader.SIZE));
        ByteBuffer h = ByteBuffer.wrap(copy).order(order);
        BtfHeader hdr = new BtfHeader(Short.toUnsignedInt(h.getShort(0)), copy[2] & 0xff, copy[3] & 0xff,
                Integer.toUnsignedLong(h.getInt(4)), Integer.toUnsignedLong(h.getInt(8)),
                Integer.toUnsignedLong(h.getInt(12)), Integer.toUnsignedLong(h.getInt(16)),
                Integer.toUnsignedLong(h.getInt(20)));
        if (log != null) {
            log.header(hdr, size);
        }
        if (hdr.magic() != BtfHeader.MAGIC) {
            throw plain("Invalid magic", "magic: actual 0x" + Integer.toHexString(hdr.magic()) + " vs expected 0x"
                    + Integer.toHexString(BtfHeader.MAGIC) + " in " + order + " byte order", 0);
        }
        if (hdr.version() != BtfHeader.VERSION) {
            throw new BtfException(Errno.ENOTSUPP, "Unsupported version", "version: actual " + hdr.version()
                    + " vs expected " + BtfHeader.VERSION, 0, 2);
        }
        if (hdr.flags() != 0) {
            throw new BtfException(Errno.ENOTSUPP, "Unsupported flags", "flags: actual 0x"
                    + Integer.toHexString(hdr.flags()) + " vs expected 0", 0, 3);
        }
        if (size == hdr.hdrLen()) {
            throw plain("No data", "blob size " + size + " equals hdr_len: no type or string section", 4);
        }
        checkSections(hdr, size);
        return hdr;
    }

    /** A section as btf_sec_info: offset and length after the header. */
    private record Sec(String name, long off, long len, long headerField) {
    }

    /**
     * btf_check_sec_info(): the type and string sections, in offset order, must tile the bytes after the
     * header exactly. The order is the kernel's: its comparator subtracts u32s and casts to int.
     */
    private static void checkSections(BtfHeader hdr, long size) {
        Sec type = new Sec("type", hdr.typeOff(), hdr.typeLen(), 8);
        Sec str = new Sec("string", hdr.strOff(), hdr.strLen(), 16);
        Sec[] secs = compare(type, str) > 0 ? new Sec[] {str, type} : new Sec[] {type, str};
        long expectedTotal = (size - hdr.hdrLen()) & 0xffffffffL;
        long total = 0;
        for (Sec s : secs) {
            if (expectedTotal < s.off()) {
                throw plain("Invalid section offset", s.name() + " section offset: actual " + s.off()
                        + " vs expected at most " + expectedTotal + " (bytes after the header)", s.headerField());
            }
            if (total < s.off()) {
                throw plain("Unsupported section found", s.name() + " section offset: actual " + s.off()
                        + " vs expected " + total + " (a gap before it)", s.headerField());
            }
            if (total > s.off()) {
                throw plain("Section overlap found", s.name() + " section offset: actual " + s.off()
                        + " vs expected " + total + " (it overlaps the section before it)", s.headerField());
            }
            if (expectedTotal - total < s.len()) {
                throw plain("Total section length too long", s.name() + " section end: actual " + (total + s.len())
                        + " vs expected at most " + expectedTotal, s.headerField() + 4);
            }
            total += s.len();
        }
        if (expectedTotal != total) {
            throw plain("Unsupported section found", "sections end: actual " + total + " vs expected " + expectedTotal
                    + " (bytes after the header)", 4);
        }
    }

    private static int compare(Sec x, Sec y) {
        int byOff = (int) (x.off() - y.off());
        return byOff != 0 ? byOff : (int) (x.len() - y.len());
    }

    /** btf_parse_str_sec(): last in the blob, NUL first and last, offsets fitting BTF_MAX_NAME_OFFSET. */
    static void checkStrings(byte[] data, BtfHeader hdr) {
        long start = hdr.strStart();
        long end = start + hdr.strLen();
        if (end != data.length) {
            throw plain("String section is not at the end", "string section end: actual " + end
                    + " vs expected the blob size " + data.length, 16);
        }
        if (hdr.strLen() == 0 || hdr.strLen() - 1 > RawBtf.MAX_NAME_OFFSET || data[(int) end - 1] != 0) {
            String why = hdr.strLen() == 0 ? "str_len: actual 0 vs expected at least 1"
                    : hdr.strLen() - 1 > RawBtf.MAX_NAME_OFFSET ? "str_len: actual " + hdr.strLen()
                            + " vs expected at most " + (RawBtf.MAX_NAME_OFFSET + 1)
                    : "last byte: actual 0x" + Integer.toHexString(data[(int) end - 1] & 0xff) + " vs expected NUL";
            throw plain("Invalid string section", why, hdr.strLen() == 0 ? 20 : end - 1);
        }
        if (data[(int) start] != 0) {
            throw plain("Invalid string section", "first byte: actual 0x"
                    + Integer.toHexString(data[(int) start] & 0xff) + " vs expected NUL (the empty name)", start);
        }
    }

    /** The start of btf_parse_type_sec(). */
    static void checkTypeSection(BtfHeader hdr) {
        if ((hdr.typeOff() & 3) != 0) {
            throw plain("Unaligned type_off", "type_off: actual " + hdr.typeOff() + " vs expected a multiple of 4", 8);
        }
        if (hdr.typeLen() == 0) {
            throw plain("No type found", "type_len: actual 0 vs expected at least one type", 12);
        }
    }

    private static BtfException plain(String log, String detail, long offset) {
        return new BtfException(Errno.EINVAL, log, detail, 0, offset);
    }
}
