package dev.bpftime.obj.btf;

/**
 * struct btf_header (include/uapi/linux/btf.h) as the kernel keeps it: the first min(hdr_len, 24) bytes of
 * the blob, the rest zero. Offsets are relative to the end of the header, i.e. to byte {@code hdrLen}.
 */
public record BtfHeader(int magic, int version, int flags, long hdrLen, long typeOff, long typeLen, long strOff,
                        long strLen) {

    public static final int MAGIC = 0xeb9f;
    public static final int VERSION = 1;
    /** sizeof(struct btf_header). */
    public static final int SIZE = 24;

    /** Where the type section starts in the blob. */
    public long typeStart() {
        return hdrLen + typeOff;
    }

    /** Where the string section starts in the blob. */
    public long strStart() {
        return hdrLen + strOff;
    }
}
