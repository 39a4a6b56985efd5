package dev.bpftime.compat.objects;

/**
 * A BPF object with a kernel-like lifetime: a reference count held by descriptors (one per handle,
 * whatever dup and fork do to the app's copies of it) and later by pins, links and prog arrays. When
 * the count drops to zero the object leaves the id table and {@link #free()} runs, as the kernel's
 * __bpf_prog_put / __bpf_map_put free the id at the last put.
 *
 * <p>Objects are used under the service's one lock (service/Service.java): no locking here.
 */
public abstract class BpfObject {

    private final ObjectKind kind;
    private ObjectTable table;
    private int id;
    private int refs;

    protected BpfObject(ObjectKind kind) {
        this.kind = kind;
    }

    public final ObjectKind kind() {
        return kind;
    }

    /** The object's id, or 0 once freed (bpf_prog_free_id sets prog->aux->id = 0 too). */
    public final int id() {
        return id;
    }

    public final int refs() {
        return refs;
    }

    public final boolean alive() {
        return refs > 0;
    }

    public final void retain() {
        if (refs <= 0) {
            throw new IllegalStateException(kind + " " + id + " retained after it was freed");
        }
        refs++;
    }

    public final void release() {
        if (refs <= 0) {
            throw new IllegalStateException(kind + " " + id + " released more often than retained");
        }
        if (--refs == 0) {
            table.forget(this);
            id = 0;
            free();
        }
    }

    /** Releases what the object holds (memory, references to other objects). */
    protected void free() {
    }

    final void register(ObjectTable owner, int newId) {
        this.table = owner;
        this.id = newId;
        this.refs = 1;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + id;
    }
}
