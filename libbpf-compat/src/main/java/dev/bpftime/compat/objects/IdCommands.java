package dev.bpftime.compat.objects;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.IdAttr;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.Outcome;
import java.util.OptionalInt;

/**
 * BPF_{PROG,MAP,BTF,LINK}_GET_NEXT_ID and BPF_*_GET_FD_BY_ID (kernel/bpf/syscall.c,
 * bpf_obj_get_next_id and bpf_prog_get_fd_by_id): ids walk every object of this service, which holds
 * only this user's objects; the caller counts as CAP_SYS_ADMIN, so no EPERM.
 */
public final class IdCommands {

    private IdCommands() {
    }

    /** The next live id after start_id, written to next_id; ENOENT past the last; EINVAL for start_id >= INT_MAX. */
    public static CommandHandler nextId(ObjectTable objects, ObjectKind kind) {
        return (Attr attr, dev.bpftime.compat.syscall.Caller caller) -> {
            long start = Integer.toUnsignedLong(attr.u32(IdAttr.START_ID));
            if (start >= Integer.MAX_VALUE) {
                throw new BpfException(Errno.EINVAL, "start_id: actual " + start + " vs expected below INT_MAX");
            }
            OptionalInt next = objects.idAtOrAfter(kind, start + 1);
            if (next.isEmpty()) {
                throw new BpfException(Errno.ENOENT, "no " + kind + " id after " + start);
            }
            attr.putU32(IdAttr.NEXT_ID, next.getAsInt());
            return Outcome.value(0);
        };
    }

    /**
     * BPF_BTF_GET_FD_BY_ID (bpf_btf_get_fd_by_id, Linux 6.18): open_flags may only be BPF_F_TOKEN_FD
     * (EINVAL), whose token is refused as a token; then as {@link #fdById}.
     */
    public static CommandHandler btfFdById(ObjectTable objects) {
        CommandHandler byId = fdById(objects, ObjectKind.BTF);
        return (Attr attr, dev.bpftime.compat.syscall.Caller caller) -> {
            int flags = attr.u32(IdAttr.OPEN_FLAGS);
            if ((flags & ~BpfTokens.F_TOKEN_FD) != 0) {
                throw new BpfException(Errno.EINVAL, String.format("open_flags: actual 0x%x vs expected 0 or "
                        + "BPF_F_TOKEN_FD", flags));
            }
            if (flags != 0) {
                throw BpfTokens.refused(caller, attr.u32(IdAttr.FD_BY_ID_TOKEN_FD), "fd_by_id_token_fd");
            }
            return byId.handle(attr, caller);
        };
    }

    /** A new descriptor for the object with that id; ENOENT when there is none (id 0 included). */
    public static CommandHandler fdById(ObjectTable objects, ObjectKind kind) {
        return (Attr attr, dev.bpftime.compat.syscall.Caller caller) -> {
            int id = attr.u32(IdAttr.START_ID);
            BpfObject object = id == 0 ? null : objects.byId(kind, id).orElse(null);
            if (object == null) {
                throw new BpfException(Errno.ENOENT, "no " + kind + " with id " + Integer.toUnsignedString(id));
            }
            object.retain();
            return Outcome.newFd(object);
        };
    }
}
