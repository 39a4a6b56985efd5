package dev.bpftime.compat.attr;

/** One field of union bpf_attr: its C name, byte offset and size (include/uapi/linux/bpf.h). */
public record AttrField(String name, int offset, int size) {

    public AttrField {
        if (offset < 0 || size <= 0 || offset + size > Attr.UNION_SIZE) {
            throw new IllegalArgumentException("attr field " + name + ": actual bytes " + offset + ".." + (offset + size)
                    + " vs expected within 0.." + Attr.UNION_SIZE);
        }
    }

    public int end() {
        return offset + size;
    }
}
