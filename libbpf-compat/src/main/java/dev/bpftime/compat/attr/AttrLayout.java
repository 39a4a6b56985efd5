package dev.bpftime.compat.attr;

import java.util.List;

/**
 * The part of union bpf_attr one command reads: the struct's fields in order and the command's
 * last field ({@code <CMD>_LAST_FIELD} in kernel/bpf/syscall.c). The kernel's CHECK_ATTR refuses a
 * call with EINVAL when any byte after that field is not zero; {@link #lastFieldEnd()} is where
 * that check starts.
 */
public record AttrLayout(String struct, List<AttrField> fields, AttrField lastField) {

    public AttrLayout {
        fields = List.copyOf(fields);
        if (!fields.contains(lastField)) {
            throw new IllegalArgumentException("last field " + lastField.name() + " is not a field of " + struct);
        }
    }

    /** A layout whose last field is the last one listed. */
    public static AttrLayout of(String struct, AttrField... fields) {
        return new AttrLayout(struct, List.of(fields), fields[fields.length - 1]);
    }

    /** The same struct read by a command whose last field comes earlier (e.g. BPF_MAP_DELETE_ELEM). */
    public AttrLayout upTo(AttrField last) {
        return new AttrLayout(struct, fields, last);
    }

    public int lastFieldEnd() {
        return lastField.end();
    }
}
