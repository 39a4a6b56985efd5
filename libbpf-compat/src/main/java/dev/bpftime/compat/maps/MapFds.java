package dev.bpftime.compat.maps;

import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.maps.BpfMap;
import dev.bpftime.maps.MapException;

/** __bpf_map_get() (kernel/bpf/syscall.c): no descriptor is EBADF, a descriptor that is not a map EINVAL. */
final class MapFds {

    private MapFds() {
    }

    /** The map behind {@code fd} and the access of that descriptor. */
    record Resolved(EmulatedMap object, BpfMap map, boolean canRead, boolean canWrite) {

        /** map_get_sys_perms(): a frozen map is read-only to every descriptor. */
        boolean writable() {
            return canWrite && !map.frozen();
        }
    }

    static Resolved resolve(Caller caller, int fd, String what) throws BpfException {
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADF, what + " " + fd + " is not an open descriptor");
        }
        if (!(ref instanceof FdRef.Object o) || o.object().kind() != ObjectKind.MAP
                || !(o.object() instanceof EmulatedMap map)) {
            throw new BpfException(Errno.EINVAL, what + " " + fd + " is not a map");
        }
        if (o.view() instanceof MapView v) {
            return new Resolved(map, v.map(), v.canRead(), v.canWrite());
        }
        // a descriptor made by a command that gives no per-file view (e.g. a later BPF_OBJ_GET): read-write
        return new Resolved(map, map.map(), true, true);
    }

    /** The maps module's refusal as the bpf() answer. */
    static BpfException refused(MapException e) {
        return new BpfException(e.errno(), e.getMessage());
    }
}
