package dev.bpftime.compat.prog;

import static dev.bpftime.compat.attr.MiscAttr.BIND_FLAGS;
import static dev.bpftime.compat.attr.MiscAttr.BIND_MAP_FD;
import static dev.bpftime.compat.attr.MiscAttr.BIND_PROG_FD;

import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.compat.syscall.Outcome;

/**
 * BPF_PROG_BIND_MAP (bpf_prog_bind_map(), kernel/bpf/syscall.c): flags must be 0 (EINVAL); the
 * program fd (EBADF when not open, EINVAL when not a program), then the map fd (likewise); a map the
 * program already uses is fine and changes nothing, any other joins its used maps (held until the
 * program goes, listed in bpf_prog_info.map_ids). libbpf 1.1 probes for it (FEAT_PROG_BIND_MAP) and
 * then binds .rodata to programs that do not reference it, for bpftool's metadata.
 */
public final class ProgBindMapCommand implements CommandHandler {

    @Override
    public Outcome handle(dev.bpftime.compat.attr.Attr attr, dev.bpftime.compat.syscall.Caller caller)
            throws BpfException {
        if (attr.u32(BIND_FLAGS) != 0) {
            throw new BpfException(Errno.EINVAL, "prog_bind_map.flags " + Integer.toUnsignedString(attr.u32(BIND_FLAGS))
                    + " vs expected 0");
        }
        BpfProgram prog = (BpfProgram) object(caller.fd(attr.u32(BIND_PROG_FD)), ObjectKind.PROG, "prog_fd");
        dev.bpftime.compat.objects.BpfObject map = object(caller.fd(attr.u32(BIND_MAP_FD)), ObjectKind.MAP, "map_fd");
        prog.bindMap(map);
        return Outcome.value(0);
    }

    private static dev.bpftime.compat.objects.BpfObject object(FdRef ref, ObjectKind kind, String field)
            throws BpfException {
        if (ref instanceof FdRef.Missing m) {
            throw new BpfException(Errno.EBADF, "prog_bind_map." + field + " " + m.fd() + " is not an open descriptor");
        }
        if (!(ref instanceof FdRef.Object o) || o.object().kind() != kind
                || (kind == ObjectKind.PROG && !(o.object() instanceof BpfProgram))) {
            throw new BpfException(Errno.EINVAL, "prog_bind_map." + field + " is not a " + kind.name().toLowerCase());
        }
        return o.object();
    }
}
