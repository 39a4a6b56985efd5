package dev.bpftime.compat.objects;

/** The kinds of BPF objects, each with its own id space as in the kernel (prog_idr, map_idr, btf_idr, link_idr). */
public enum ObjectKind {
    MAP(1),
    PROG(2),
    BTF(3),
    LINK(4),
    /** A perf event of perf_event_open (not a BPF object in the kernel; its own id space here for PERF_EVENT_IOC_ID). */
    PERF_EVENT(5);

    private final int wireCode;

    ObjectKind(int wireCode) {
        this.wireCode = wireCode;
    }

    /** enum wire_object_kind of the shim (syscall-shim/src/main/c/shim_wire.h). */
    public int wireCode() {
        return wireCode;
    }
}
