package dev.bpftime.compat.pin;

import static dev.bpftime.compat.attr.ObjPinAttr.BPF_FD;
import static dev.bpftime.compat.attr.ObjPinAttr.FILE_FLAGS;
import static dev.bpftime.compat.attr.ObjPinAttr.PATHNAME;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.Outcome;

/**
 * BPF_OBJ_GET (kernel/bpf/syscall.c bpf_obj_get, kernel/bpf/inode.c bpf_obj_get_user): bpf_fd must be
 * 0 and file_flags only BPF_F_RDONLY / BPF_F_WRONLY, not both (bpf_get_file_flag), else EINVAL; a path
 * that does not exist is ENOENT, one that is not a pinned object (a directory, a file elsewhere) EACCES
 * (bpf_inode_type); a link opens read-write only (EINVAL otherwise).
 *
 * <p>A map opened BPF_F_RDONLY or BPF_F_WRONLY should give a descriptor with those access rights
 * (bpf_map_new_fd); map objects come with the maps commands, which must honour them. Here the flag is
 * checked and a map descriptor is the object's ordinary one.
 */
public final class ObjGetCommand implements CommandHandler {

    static final int BPF_F_RDONLY = 1 << 3;
    static final int BPF_F_WRONLY = 1 << 4;

    private final BpfFs fs;

    public ObjGetCommand(BpfFs fs) {
        this.fs = fs;
    }

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        int flags = attr.u32(FILE_FLAGS);
        if (attr.u32(BPF_FD) != 0 || (flags & ~(BPF_F_RDONLY | BPF_F_WRONLY)) != 0) {
            throw new BpfException(Errno.EINVAL, String.format("bpf_fd %d / file_flags 0x%x: expected 0 / "
                    + "BPF_F_RDONLY or BPF_F_WRONLY", attr.u32(BPF_FD), flags));
        }
        if (flags == (BPF_F_RDONLY | BPF_F_WRONLY)) {
            throw new BpfException(Errno.EINVAL, "file_flags: BPF_F_RDONLY and BPF_F_WRONLY together");
        }
        PinPath path = PinPath.read(caller, attr.u64(PATHNAME));
        String p = path.normalized();
        if (!BpfFs.inMount(p)) {
            throw new BpfException(path.foreignErrno(false), p + " is not in bpffs (" + BpfFs.MOUNT + ")");
        }
        BpfObject object = fs.get(p).orElse(null);
        if (object == null) {
            if (fs.isDirectory(p)) {
                throw new BpfException(Errno.EACCES, p + " is a directory, not a pinned object");
            }
            String parent = path.parent();
            throw new BpfException(fs.exists(parent) && !fs.isDirectory(parent) ? PinPath.ENOTDIR : Errno.ENOENT,
                    "nothing pinned at " + p);
        }
        if (path.trailingSlash()) {
            throw new BpfException(PinPath.ENOTDIR, p + "/: a pin is not a directory");
        }
        if (object.kind() == ObjectKind.LINK && flags != 0) {
            throw new BpfException(Errno.EINVAL, "a link opens read-write only");
        }
        object.retain();
        // a map's descriptor carries the access file_flags asked for (map_get_sys_perms())
        return Outcome.newFd(object, dev.bpftime.compat.maps.MapFdById.viewFor(object, flags));
    }
}
