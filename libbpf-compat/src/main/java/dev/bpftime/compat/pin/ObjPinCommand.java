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
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.compat.syscall.Outcome;

/**
 * BPF_OBJ_PIN (kernel/bpf/syscall.c bpf_obj_pin, kernel/bpf/inode.c bpf_obj_pin_user): file_flags must
 * be 0 (6.1; BPF_F_PATH_FD came with 6.5); the descriptor must be a map, program or link, anything else
 * (a closed fd, a BTF object, a file) is EINVAL (bpf_fd_probe_obj); then the path is created as
 * user_path_create would (EEXIST, ENOENT, ENOTDIR) in a directory that must be bpffs (EPERM).
 */
public final class ObjPinCommand implements CommandHandler {

    private final BpfFs fs;

    public ObjPinCommand(BpfFs fs) {
        this.fs = fs;
    }

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        if (attr.u32(FILE_FLAGS) != 0) {
            throw new BpfException(Errno.EINVAL, String.format("file_flags: actual 0x%x vs expected 0",
                    attr.u32(FILE_FLAGS)));
        }
        int fd = attr.u32(BPF_FD);
        FdRef ref = caller.fd(fd);
        if (!(ref instanceof FdRef.Object o) || o.object().kind() == ObjectKind.BTF
                || o.object().kind() == ObjectKind.PERF_EVENT) {
            throw new BpfException(Errno.EINVAL, "bpf_fd " + fd + " is not a map, program or link");
        }
        BpfObject object = o.object();
        PinPath path = PinPath.read(caller, attr.u64(PATHNAME));
        String p = path.normalized();
        if (!BpfFs.inMount(p)) {
            int errno = path.foreignErrno(true);
            throw new BpfException(errno, p + " is not in bpffs (" + BpfFs.MOUNT + ")");
        }
        if (fs.exists(p)) {
            throw new BpfException(Errno.EEXIST, p + " exists");
        }
        String parent = path.parent();
        if (!fs.isDirectory(parent)) {
            throw new BpfException(fs.exists(parent) ? PinPath.ENOTDIR : PinStat.walkErrno(fs, parent),
                    "no directory " + parent + " in the emulated bpffs");
        }
        if (path.trailingSlash()) {
            throw new BpfException(Errno.ENOENT, p + "/: a pin is not a directory");
        }
        object.retain();
        // bpf_obj_do_pin: S_IFREG | ((S_IRUSR | S_IWUSR) & ~current_umask())
        fs.put(p, object, 0600 & ~umaskOf(caller.pid()));
        return Outcome.value(0);
    }

    /** The caller's umask (the "Umask:" line of /proc/PID/status, Linux 4.7+); 022 when unreadable. */
    public static int umaskOf(int pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", Integer.toString(pid),
                    "status"))) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring(6).trim(), 8);
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // the process is gone or the line is missing: the usual default
        }
        return 022;
    }
}
