package dev.bpftime.compat.objects;

/**
 * What the kernel keeps in one struct file beside the object it refers to: the access the
 * descriptor was opened with (BPF_F_RDONLY / BPF_F_WRONLY, map_get_sys_perms()) and per-file state
 * such as a PERF_EVENT_ARRAY's slots set through it. Every dup of a descriptor shares it; it is
 * closed when the last copy is, before the handle's object reference goes.
 */
public interface FileView extends AutoCloseable {

    @Override
    void close();
}
