package dev.bpftime.obj.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The blob as the kernel's verifier sees it: the header copy, and for each type id the byte offset of its
 * struct btf_type. Id 0 is void, which has no bytes: all its fields read as zero (the kernel's btf_void).
 * Fields are read in the blob's byte order; u32 values come back as non-negative longs.
 */
final class RawBtf {

    /** BTF_MAX_TYPE: type ids stop below it (include/uapi/linux/btf.h). */
    static final int MAX_TYPE = 0x000fffff;
    /** BTF_MAX_NAME_OFFSET. */
    static final long MAX_NAME_OFFSET = 0x00ffffffL;

    final byte[] data;
    final ByteBuffer buf;
    final BtfHeader header;
    private int[] typeOffsets = new int[64];
    private int count = 1;

    RawBtf(byte[] data, ByteOrder order, BtfHeader header) {
        this.data = data;
        this.buf = ByteBuffer.wrap(data).order(order);
        this.header = header;
        typeOffsets[0] = -1;
    }

    ByteOrder order() {
        return buf.order();
    }

    /** Number of type ids, void included (the kernel's nr_types). */
    int typeCount() {
        return count;
    }

    /** Adds the type at {@code offset} as the next id; false when the id space is full (btf_add_type). */
    boolean add(int offset) {
        if (count == MAX_TYPE) {
            return false;
        }
        if (count == typeOffsets.length) {
            typeOffsets = Arrays.copyOf(typeOffsets, count * 2);
        }
        typeOffsets[count++] = offset;
        return true;
    }

    /**
     * A temporary id for the type at {@code offset} while its own checks run, before it is added: the next
     * free id, which {@link #add} then gives it.
     */
    int scratch(int offset) {
        if (count == typeOffsets.length) {
            typeOffsets = Arrays.copyOf(typeOffsets, count * 2);
        }
        typeOffsets[count] = offset;
        return count;
    }

    /** btf_type_by_id() != NULL: the id names void or a type of this blob. */
    boolean exists(long id) {
        return id >= 0 && id < count;
    }

    int offset(int id) {
        return typeOffsets[id];
    }

    long u32(long at) {
        return Integer.toUnsignedLong(buf.getInt((int) at));
    }

    long nameOff(int id) {
        return id == 0 ? 0 : u32(offset(id));
    }

    long info(int id) {
        return id == 0 ? 0 : u32(offset(id) + 4L);
    }

    /** The union of size and type at byte 8 of struct btf_type. */
    long sizeOrType(int id) {
        return id == 0 ? 0 : u32(offset(id) + 8L);
    }

    int kind(int id) {
        return (int) ((info(id) >>> 24) & 0x1f);
    }

    int vlen(int id) {
        return (int) (info(id) & 0xffff);
    }

    boolean kflag(int id) {
        return (info(id) >>> 31) != 0;
    }

    /** The u32 at {@code index} words after struct btf_type (the kind's extra data). */
    long word(int id, int index) {
        return u32(offset(id) + 12L + 4L * index);
    }

    /** Byte offset in the blob of extra word {@code index} of type {@code id}. */
    long wordOffset(int id, int index) {
        return offset(id) + 12L + 4L * index;
    }

    /** btf_name_offset_valid(). */
    boolean nameOffsetValid(long offset) {
        return offset <= MAX_NAME_OFFSET && offset < header.strLen();
    }

    /** Absolute index of the string at {@code offset}; the caller checked it is below str_len. */
    int stringAt(long offset) {
        return (int) (header.strStart() + offset);
    }

    /** The string at a valid offset, each byte one char (Latin-1), as the kernel's %s prints it. */
    String string(long offset) {
        int from = stringAt(offset);
        int to = from;
        while (data[to] != 0) {
            to++;
        }
        return new String(data, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** The string at a valid offset decoded as UTF-8, as tools show names. */
    String utf8(long offset) {
        int from = stringAt(offset);
        int to = from;
        while (data[to] != 0) {
            to++;
        }
        return new String(data, from, to - from, StandardCharsets.UTF_8);
    }

    /** __btf_name_by_offset(): "(anon)" for 0, the string, or "(invalid-name-offset)". */
    String logName(long offset) {
        if (offset == 0) {
            return "(anon)";
        }
        return offset < header.strLen() ? string(offset) : "(invalid-name-offset)";
    }
}
