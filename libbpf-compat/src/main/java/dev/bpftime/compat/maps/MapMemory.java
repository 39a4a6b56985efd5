package dev.bpftime.compat.maps;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.maps.MapException;
import dev.bpftime.maps.MmapSegment;
import java.util.List;

/**
 * The shim's requests about a map's memory (docs/PROTOCOL.md, "mmap of map descriptors" and
 * "epoll and poll on ring buffers"): what an app's mmap of a map fd becomes, the end of a writable
 * mapping, and the memfd and eventfd the shim needs to wait on a ring as the kernel's fd waits.
 */
public final class MapMemory {

    /** PROT_WRITE, MAP_SHARED as mmap(2) takes them. */
    private static final long PROT_WRITE = 0x2;
    private static final long MAP_SHARED = 0x1;
    private static final long MAP_SHARED_VALIDATE = 0x3;
    private static final long MAP_TYPE = 0xf;

    private MapMemory() {
    }

    /** The answer: a result (0 or -errno), the descriptor to pass (or -1), the segments to map. */
    public record Answer(long result, int fd, List<MmapSegment> segments, String reason) {

        static Answer refused(int errno, String reason) {
            return new Answer(-errno, -1, List.of(), reason);
        }
    }

    /**
     * mmap(addr, length, prot, flags, fd, offset) of a map descriptor: the maps module's checks with
     * the descriptor's access (do_mmap(), bpf_map_mmap()), then the segments of the object's memfd.
     * A descriptor that is another object is ENODEV, as mmap of a file without an mmap operation.
     */
    public static Answer mmap(Caller caller, int fd, long offset, long length, long prot, long flags) {
        FdRef ref = caller.fd(fd);
        if (!(ref instanceof FdRef.Object o)) {
            return Answer.refused(Errno.EBADF, "mmap: fd " + fd + " is not one of ours");
        }
        if (o.object() instanceof dev.bpftime.compat.perf.PerfEvent event) {
            try {
                event.prepareMmap(offset, length); // the kernel makes a perf event's buffer at its first mmap
            } catch (MapException e) {
                return Answer.refused(e.errno(), e.getMessage());
            }
        }
        if (!(o.object() instanceof SharedMemoryObject shm)) {
            return Answer.refused(Errno.ENODEV, "mmap: fd " + fd + " is a " + o.object().kind() + ", not mappable");
        }
        if ((offset & 4095) != 0) {
            return Answer.refused(Errno.EINVAL, "mmap: offset " + offset + " is not page-aligned");
        }
        boolean shared = (flags & MAP_TYPE) == MAP_SHARED || (flags & MAP_TYPE) == MAP_SHARED_VALIDATE;
        MapView view = o.view() instanceof MapView v ? v : null;
        try {
            List<MmapSegment> segments = (view != null ? view.map() : shm.sharedMemory())
                    .mmap(offset / 4096, length, (prot & PROT_WRITE) != 0, shared);
            return new Answer(0, segments.isEmpty() ? -1 : segments.get(0).memfd(), segments, "");
        } catch (MapException e) {
            return Answer.refused(e.errno(), e.getMessage());
        }
    }

    /**
     * The app unmapped a writable mapping of map {@code id}: it no longer blocks BPF_MAP_FREEZE.
     * (Perf buffers keep no writer count: BpfMap.unmapped ignores them.)
     */
    public static void unmapped(ObjectTable objects, int id, boolean writable) {
        BpfObject o = objects.byId(ObjectKind.MAP, id).orElse(null);
        if (o instanceof SharedMemoryObject shm) {
            shm.sharedMemory().unmapped(writable);
        }
    }

    /** Which descriptor of a ring (or, later, perf) buffer: 0 its memfd, 1 its eventfd. */
    public static Answer bufferFd(Caller caller, int fd, int which) {
        FdRef ref = caller.fd(fd);
        if (!(ref instanceof FdRef.Object o) || !(o.object() instanceof SharedMemoryObject shm)
                || shm.sharedMemory() == null) {
            return Answer.refused(Errno.EINVAL, "fd " + fd + " is not a map or buffer (or a perf event not mapped yet)");
        }
        int eventfd = shm.sharedMemory().eventfd();
        if (eventfd < 0) {
            return Answer.refused(Errno.EINVAL, o.object() + " has no eventfd: not a ring or perf buffer");
        }
        return new Answer(0, which == 0 ? shm.sharedMemory().memfd() : eventfd, List.of(), "");
    }
}
