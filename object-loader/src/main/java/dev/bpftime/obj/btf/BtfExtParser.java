package dev.bpftime.obj.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads .BTF.ext with libbpf's rules (tools/lib/bpf/btf.c btf_ext_parse_hdr, btf_ext_setup_info) and libbpf's
 * errnos, then checks what the records name: strings in the BTF, type ids that exist, FUNCs for func_info,
 * known CO-RE kinds, instruction offsets that are whole instructions.
 */
final class BtfExtParser {

    private static final int MIN_HEADER = 24;
    private static final int HEADER_WITH_CORE = 32;
    private static final int SECTION_HEADER = 8;

    private final byte[] data;
    private final ByteBuffer buf;
    private final Btf btf;
    private final long hdrLen;

    private BtfExtParser(byte[] data, ByteOrder order, Btf btf) {
        this.data = data;
        this.buf = ByteBuffer.wrap(data).order(order);
        this.btf = btf;
        this.hdrLen = u32(4);
    }

    static BtfExt parse(byte[] data, Btf btf) {
        if (data.length < 8) {
            throw refuse("BTF.ext header not found", "size: actual " + data.length + " bytes vs expected at least 8", 0);
        }
        ByteOrder order = Btf.detectOrder(data);
        BtfExtParser p = new BtfExtParser(data, order, btf);
        return p.parse();
    }

    private long u32(long at) {
        return Integer.toUnsignedLong(buf.getInt((int) at));
    }

    private BtfExt parse() {
        if (data.length < hdrLen) {
            throw refuse("BTF.ext header not found", "hdr_len: actual " + hdrLen + " vs expected at most the size "
                    + data.length, 4);
        }
        int magic = Short.toUnsignedInt(buf.getShort(0));
        if (magic != BtfHeader.MAGIC) {
            throw refuse("Invalid BTF.ext magic:" + Integer.toHexString(magic), "magic: actual 0x"
                    + Integer.toHexString(magic) + " vs expected 0xeb9f in either byte order", 0);
        }
        if ((data[2] & 0xff) != BtfHeader.VERSION) {
            throw new BtfException(Errno.ENOTSUP, "Unsupported BTF.ext version:" + (data[2] & 0xff), "version: actual "
                    + (data[2] & 0xff) + " vs expected 1", 0, 2);
        }
        if (data[3] != 0) {
            throw new BtfException(Errno.ENOTSUP, "Unsupported BTF.ext flags:" + Integer.toHexString(data[3] & 0xff),
                    "flags: actual 0x" + Integer.toHexString(data[3] & 0xff) + " vs expected 0", 0, 3);
        }
        if (data.length == hdrLen) {
            throw refuse("BTF.ext has no data", "size " + data.length + " equals hdr_len", 4);
        }
        if (hdrLen < MIN_HEADER) {
            throw refuse("", "hdr_len: actual " + hdrLen + " vs expected at least " + MIN_HEADER
                    + " (up to line_info_len)", 4);
        }
        List<BtfExt.Section<BtfExt.FuncInfo>> funcs = sections("func_info", 8, 8, this::funcInfo);
        List<BtfExt.Section<BtfExt.LineInfo>> lines = sections("line_info", 16, 16, this::lineInfo);
        List<BtfExt.Section<BtfExt.CoreRelo>> relos = hdrLen < HEADER_WITH_CORE ? List.of()
                : sections("core_relo", 24, 16, this::coreRelo);
        return new BtfExt(buf.order(), funcs, lines, relos);
    }

    private interface RecordReader<T> {
        T read(String section, int index, long at);
    }

    /** btf_ext_setup_info() for the part whose offset and length are at header byte {@code field}. */
    private <T> List<BtfExt.Section<T>> sections(String what, int field, int minRecordSize, RecordReader<T> reader) {
        long off = u32(field);
        long len = u32(field + 4);
        List<BtfExt.Section<T>> out = new ArrayList<>();
        if (len == 0) {
            return out;
        }
        if ((off & 3) != 0) {
            throw refuse(".BTF.ext " + what + " section is not aligned to 4 bytes", what + "_off: actual " + off
                    + " vs expected a multiple of 4", field);
        }
        long start = hdrLen + off;
        if (start + len > data.length) {
            throw refuse(what + " section (off:" + off + " len:" + len + ") is beyond the end of the ELF section"
                    + " .BTF.ext", what + " end: actual " + (start + len) + " vs expected at most " + data.length, field);
        }
        if (len < 4) {
            throw refuse(".BTF.ext " + what + " record size not found", what + "_len: actual " + len
                    + " vs expected at least 4", field + 4);
        }
        long recordSize = u32(start);
        if (recordSize < minRecordSize || (recordSize & 3) != 0) {
            throw refuse(what + " section in .BTF.ext has invalid record size " + recordSize, "record size: actual "
                    + recordSize + " vs expected a multiple of 4 of at least " + minRecordSize, start);
        }
        long at = start + 4;
        long left = len - 4;
        if (left == 0) {
            throw refuse(what + " section in .BTF.ext has no records", what + ": actual no section vs expected one",
                    at);
        }
        while (left > 0) {
            if (left < SECTION_HEADER) {
                throw refuse(what + " section header is not found in .BTF.ext", what + ": actual " + left
                        + " bytes left vs expected a section header of " + SECTION_HEADER, at);
            }
            long nameOff = u32(at);
            long count = u32(at + 4);
            if (count == 0) {
                throw refuse(what + " section has incorrect num_records in .BTF.ext", "num_info: actual 0 vs expected"
                        + " at least 1", at + 4);
            }
            long total = SECTION_HEADER + count * recordSize;
            if (left < total) {
                throw refuse(what + " section has incorrect num_records in .BTF.ext", "records: actual " + count + " x "
                        + recordSize + " bytes vs expected at most " + (left - SECTION_HEADER) + " bytes left", at + 4);
            }
            String name = string(nameOff, what + " section name", at);
            List<T> records = new ArrayList<>((int) count);
            for (int i = 0; i < count; i++) {
                records.add(reader.read(name, i, at + SECTION_HEADER + i * recordSize));
            }
            out.add(new BtfExt.Section<>(name, records));
            at += total;
            left -= total;
        }
        return out;
    }

    private String string(long offset, String what, long at) {
        if (!btf.isStringOffset(offset)) {
            throw refuse("", what + " offset: actual " + offset + " vs expected below the BTF str_len "
                    + btf.header().strLen(), at);
        }
        return btf.string(offset);
    }

    private long insnOffset(String section, String what, int index, long at) {
        long off = u32(at);
        if (off % 8 != 0) {
            throw refuse("", section + " " + what + " " + index + " insn_off: actual " + off
                    + " vs expected a multiple of 8 (a whole instruction)", at);
        }
        return off;
    }

    private int typeId(String section, String what, int index, long at) {
        long id = u32(at);
        if (id >= btf.typeCount()) {
            throw refuse("", section + " " + what + " " + index + " type id: actual " + id + " vs expected below "
                    + btf.typeCount(), at);
        }
        return (int) id;
    }

    private BtfExt.FuncInfo funcInfo(String section, int index, long at) {
        long insn = insnOffset(section, "func_info", index, at);
        int type = typeId(section, "func_info", index, at + 4);
        if (!(btf.type(type) instanceof BtfType.Func)) {
            throw refuse("", section + " func_info " + index + " type [" + type + "]: actual "
                    + btf.type(type).kind().logName() + " vs expected FUNC", at + 4);
        }
        return new BtfExt.FuncInfo(insn, type);
    }

    private BtfExt.LineInfo lineInfo(String section, int index, long at) {
        long insn = insnOffset(section, "line_info", index, at);
        String file = string(u32(at + 4), section + " line_info " + index + " file name", at + 4);
        String line = string(u32(at + 8), section + " line_info " + index + " line", at + 8);
        long lineCol = u32(at + 12);
        return new BtfExt.LineInfo(insn, file, line, (int) (lineCol >>> 10), (int) (lineCol & 0x3ff));
    }

    private BtfExt.CoreRelo coreRelo(String section, int index, long at) {
        long insn = insnOffset(section, "core_relo", index, at);
        int type = typeId(section, "core_relo", index, at + 4);
        String access = string(u32(at + 8), section + " core_relo " + index + " access string", at + 8);
        long kind = u32(at + 12);
        if (!CoreReloKind.known(kind)) {
            throw refuse("", section + " core_relo " + index + " kind: actual " + kind + " vs expected 0.."
                    + (CoreReloKind.values().length - 1), at + 12);
        }
        return new BtfExt.CoreRelo(insn, type, access, CoreReloKind.of(kind));
    }

    private static BtfException refuse(String libbpfLine, String detail, long offset) {
        return new BtfException(Errno.EINVAL, libbpfLine, ".BTF.ext: " + detail, 0, offset);
    }
}
