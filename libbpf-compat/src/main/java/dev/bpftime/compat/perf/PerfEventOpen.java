package dev.bpftime.compat.perf;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.link.AttachRegistry;
import dev.bpftime.compat.link.Hook;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.compat.tracefs.PmuTypes;
import dev.bpftime.compat.tracefs.Tracepoint;
import dev.bpftime.compat.tracefs.TracepointCatalog;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * perf_event_open(attr, pid, cpu, group_fd, flags) for the events this runtime emulates: tracepoints
 * with our ids, the uprobe PMU, PERF_COUNT_SW_BPF_OUTPUT; the kprobe PMU is refused as for an unknown
 * function. Any other event is not ours: the shim makes the real syscall (answer PASS). Checks follow
 * kernel/events/core.c sys_perf_event_open, perf_copy_attr and perf_event_alloc in that order.
 */
public final class PerfEventOpen {

    /** PERF_FLAG_FD_NO_GROUP | FD_OUTPUT | PID_CGROUP | FD_CLOEXEC. */
    static final long FLAG_ALL = 0xf;
    static final int PATH_MAX = 4096;

    /**
     * What to do with the call: pass it to the kernel, or the new event (its reference taken for the fd),
     * or a refusal that writes back into the attr ({@code errno} non-zero).
     */
    public record Answer(boolean pass, PerfEvent event, int errno, List<Attr.Writeback> writebacks) {
    }

    private final ObjectTable objects;
    private final TracepointCatalog catalog;
    private final AttachRegistry registry;
    private final int possibleCpus;

    public PerfEventOpen(ObjectTable objects, TracepointCatalog catalog, AttachRegistry registry, int possibleCpus) {
        this.objects = objects;
        this.catalog = catalog;
        this.registry = registry;
        this.possibleCpus = possibleCpus;
    }

    /** Whether an event of this attr is ours; decided on the type (and config for software events) alone. */
    static boolean ours(PerfEventAttr a) {
        return a.type() == PerfEventAttr.TYPE_TRACEPOINT || a.type() == PmuTypes.UPROBE || a.type() == PmuTypes.KPROBE
                || (a.type() == PerfEventAttr.TYPE_SOFTWARE && a.config() == PerfEventAttr.COUNT_SW_BPF_OUTPUT);
    }

    /**
     * @param readable the attr bytes the shim could read (a page at most; fewer when the rest faulted)
     */
    public Answer open(byte[] readable, int pid, int cpu, int groupFd, long flags, Caller caller) throws BpfException {
        if (readable.length < 8) {
            throw new BpfException(Errno.EFAULT, "perf_event_attr: actual " + readable.length
                    + " readable bytes vs expected at least 8");
        }
        PerfEventAttr head = PerfEventAttr.decode(readable);
        if (!ours(head)) {
            return new Answer(true, null, 0, List.of());
        }
        if ((flags & ~FLAG_ALL) != 0) {
            throw new BpfException(Errno.EINVAL, "flags: actual 0x" + Long.toHexString(flags) + " vs expected within 0xf");
        }
        PerfEventAttr attr = copyAttr(readable, head);
        if (attr == null) {
            return new Answer(false, null, Errno.E2BIG, sizeWriteback());
        }
        if (groupFd != -1) {
            FdRef g = caller.fd(groupFd);
            throw new BpfException(g instanceof FdRef.Object o && o.object() instanceof PerfEvent ? Errno.EINVAL
                    : Errno.EBADF, "group_fd " + groupFd + ": event groups are not emulated");
        }
        if (cpu < -1 || cpu >= possibleCpus || (pid == -1 && cpu == -1)) {
            throw new BpfException(Errno.EINVAL, "pid " + pid + " cpu " + cpu + ": actual cpu vs expected 0.."
                    + (possibleCpus - 1) + ", or -1 with a pid");
        }
        if (pid < -1 || (pid > 0 && !Files.isDirectory(Path.of("/proc", Integer.toString(pid))))) {
            throw new BpfException(Errno.ESRCH, "pid " + pid + ": no such process");
        }
        PerfTarget target = target(attr, caller);
        int tracedPid = pid == 0 ? caller.pid() : pid;
        PerfEvent created = new PerfEvent(target, tracedPid, cpu, !attr.disabled(), registry);
        created.setWakeup(attr.wakeupEvents(), attr.watermark());
        PerfEvent event = objects.register(created);
        return new Answer(false, event, 0, List.of());
    }

    /**
     * perf_copy_attr: size 0 is VER0; below VER0 or above a page, or a longer attr with a non-zero tail,
     * is E2BIG with the size written back (null here).
     */
    private static PerfEventAttr copyAttr(byte[] readable, PerfEventAttr head) throws BpfException {
        long size = Integer.toUnsignedLong(head.size());
        if (size == 0) {
            size = PerfEventAttr.SIZE_VER0;
        }
        if (size < PerfEventAttr.SIZE_VER0 || size > 4096) {
            return null;
        }
        if (readable.length < size) {
            throw new BpfException(Errno.EFAULT, "perf_event_attr: actual " + readable.length
                    + " readable bytes vs expected " + size);
        }
        for (int i = PerfEventAttr.SIZE_6_1; i < size; i++) {
            if (readable[i] != 0) {
                return null;
            }
        }
        byte[] bytes = java.util.Arrays.copyOf(readable, (int) Math.min(size, PerfEventAttr.SIZE_6_1));
        return PerfEventAttr.decode(bytes);
    }

    private PerfTarget target(PerfEventAttr attr, Caller caller) throws BpfException {
        if (attr.type() == PerfEventAttr.TYPE_TRACEPOINT) {
            Tracepoint t = catalog.byId(attr.config()).orElseThrow(() -> new BpfException(Errno.EINVAL,
                    "tracepoint id " + attr.config() + " is not one of the emulated tracefs"));
            return new PerfTarget.TracepointEvent(t);
        }
        if (attr.type() == PmuTypes.KPROBE) {
            // kernel/trace/trace_kprobe.c create_local_trace_kprobe: register_kprobe of a symbol it
            // cannot resolve fails with ENOENT; no kernel function is reachable from here.
            throw new BpfException(Errno.ENOENT, "kprobes are not available in userspace");
        }
        if (attr.type() == PmuTypes.UPROBE) {
            return new PerfTarget.UprobeEvent(uprobe(attr, caller));
        }
        return new PerfTarget.BpfOutput();
    }

    /** kernel/trace/trace_event_perf.c perf_uprobe_init and trace_uprobe.c create_local_trace_uprobe. */
    private static Hook.Uprobe uprobe(PerfEventAttr attr, Caller caller) throws BpfException {
        if (attr.config1() == 0) {
            throw new BpfException(Errno.EINVAL, "uprobe_path (config1) is NULL");
        }
        byte[] raw = caller.readCString(attr.config1(), PATH_MAX, "uprobe_path");
        if (raw.length >= PATH_MAX) {
            throw new BpfException(Errno.EINVAL, "uprobe_path: actual at least " + PATH_MAX + " bytes vs expected fewer");
        }
        String path = new String(raw, StandardCharsets.UTF_8);
        Path file = path.startsWith("/") ? Path.of(path)
                : Path.of("/proc", Integer.toString(caller.pid()), "cwd").resolve(path);
        if (!Files.exists(file)) {
            throw new BpfException(Errno.ENOENT, "uprobe_path " + path + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new BpfException(Errno.EINVAL, "uprobe_path " + path + ": not a regular file");
        }
        boolean ret = (attr.config() & PmuTypes.RETPROBE_BIT) != 0;
        long refCtr = attr.config() >>> PmuTypes.REF_CTR_OFFSET_SHIFT;
        // The agents of traced processes open the file by this path: a path relative to the loader's
        // working directory would name another file in theirs.
        String absolute = path;
        if (!path.startsWith("/")) {
            try {
                absolute = file.toRealPath().toString();
            } catch (java.io.IOException e) {
                throw new BpfException(Errno.ENOENT, "uprobe_path " + path + ": " + e.getMessage());
            }
        }
        return new Hook.Uprobe(absolute, attr.config2(), refCtr, ret);
    }

    /** attr.size set to the size this kernel knows, as perf_copy_attr's err_size does with E2BIG. */
    private static List<Attr.Writeback> sizeWriteback() {
        byte[] b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(PerfEventAttr.SIZE_6_1).array();
        return List.of(new Attr.Writeback(PerfEventAttr.SIZE_OFFSET, b));
    }
}
