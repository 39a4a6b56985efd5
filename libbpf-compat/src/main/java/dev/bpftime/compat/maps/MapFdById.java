package dev.bpftime.compat.maps;

import static dev.bpftime.compat.attr.IdAttr.MAP_ID;
import static dev.bpftime.compat.attr.IdAttr.OPEN_FLAGS;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.FileView;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.Outcome;
import dev.bpftime.maps.MapFlags;

/**
 * BPF_MAP_GET_FD_BY_ID (bpf_map_get_fd_by_id(), kernel/bpf/syscall.c): open_flags may hold only
 * BPF_F_RDONLY or BPF_F_WRONLY (EINVAL otherwise, or both), and give the new descriptor its access;
 * no map with that id is ENOENT.
 */
public final class MapFdById implements CommandHandler {

    private final ObjectTable objects;

    public MapFdById(ObjectTable objects) {
        this.objects = objects;
    }

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        int flags = attr.u32(OPEN_FLAGS);
        if ((flags & ~(MapFlags.RDONLY | MapFlags.WRONLY)) != 0
                || (flags & (MapFlags.RDONLY | MapFlags.WRONLY)) == (MapFlags.RDONLY | MapFlags.WRONLY)) {
            throw new BpfException(Errno.EINVAL, "open_flags 0x" + Integer.toHexString(flags)
                    + " vs expected BPF_F_RDONLY or BPF_F_WRONLY or 0");
        }
        int id = attr.u32(MAP_ID);
        BpfObject object = id == 0 ? null : objects.byId(ObjectKind.MAP, id).orElse(null);
        if (!(object instanceof EmulatedMap map)) {
            throw new BpfException(Errno.ENOENT, "no map with id " + Integer.toUnsignedString(id));
        }
        map.retain();
        return Outcome.newFd(map, viewFor(map, flags));
    }

    /**
     * The file of a new descriptor on {@code object} opened with BPF_F_RDONLY / BPF_F_WRONLY (checked
     * by the caller): a map's own view with that access, null for other objects.
     */
    public static FileView viewFor(BpfObject object, int flags) {
        return object instanceof EmulatedMap map
                ? map.openView((flags & MapFlags.WRONLY) == 0, (flags & MapFlags.RDONLY) == 0) : null;
    }
}
