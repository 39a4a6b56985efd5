package dev.bpftime.compat.maps;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.maps.MapType;
import java.util.function.Function;

/**
 * The values of fd arrays: the app writes a descriptor, the slot holds the object's id (maps
 * module, MAP-FORMAT.md "PROG_ARRAY, PERF_EVENT_ARRAY"). This is the kernel's map_fd_get_ptr():
 * prog_fd_array_get_ptr() takes a program (bpf_prog_get: EBADF, EINVAL) compatible with the array
 * (EINVAL); perf_event_fd_array_get_ptr() takes a perf event (perf_event_get: EBADF for anything
 * else). Perf event objects are resolved by {@code perfEvents}, which the perf commands provide;
 * until then every descriptor is EBADF, as for a kernel that sees no perf event in it.
 */
final class FdArraySlots {

    /** The id a perf event object's slot holds, or null when the object is not a perf event. */
    private final Function<BpfObject, Integer> perfEvents;

    FdArraySlots(Function<BpfObject, Integer> perfEvents) {
        this.perfEvents = perfEvents;
    }

    /**
     * The object a descriptor put into a slot names, retained for the slot (null for a cgroup, which is
     * not one of our objects), and the id the slot holds.
     */
    record Target(BpfObject object, int id) {
    }

    Target resolve(EmulatedMap map, int fd, Caller caller) throws BpfException {
        FdRef ref = caller.fd(fd);
        MapType type = map.map().type();
        if (type == MapType.PROG_ARRAY) {
            if (ref instanceof FdRef.Missing) {
                throw new BpfException(Errno.EBADF, "value: prog fd " + fd + " is not an open descriptor");
            }
            if (!(ref instanceof FdRef.Object o) || o.object().kind() != ObjectKind.PROG
                    || !(o.object() instanceof BpfProgram prog)) {
                throw new BpfException(Errno.EINVAL, "value: fd " + fd + " is not a program");
            }
            if (!map.acceptsProgramType(prog.type().number())) {
                throw new BpfException(Errno.EINVAL, "value: program of type " + prog.type()
                        + " is not compatible with the programs of this PROG_ARRAY");
            }
            prog.retain();
            return new Target(prog, prog.id());
        }
        if (type == MapType.CGROUP_ARRAY) {
            // a cgroup is no object of ours: nothing to retain (the kernel's cgroup_get keeps only an offline cgroup)
            return new Target(null, CgroupDirectory.slotValue(fd, caller));
        }
        Integer id = ref instanceof FdRef.Object o ? perfEvents.apply(o.object()) : null;
        if (id == null) {
            throw new BpfException(Errno.EBADF, "value: fd " + fd + " is not a perf event");
        }
        BpfObject event = ((FdRef.Object) ref).object();
        event.retain();
        return new Target(event, id);
    }
}
