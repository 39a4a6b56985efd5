package dev.bpftime.compat.syscall;

import static dev.bpftime.compat.attr.InfoAttr.BPF_FD;
import static dev.bpftime.compat.attr.InfoAttr.INFO;
import static dev.bpftime.compat.attr.InfoAttr.INFO_LEN;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.posix.Errno;
import java.util.EnumMap;
import java.util.Map;

/**
 * BPF_OBJ_GET_INFO_BY_FD (kernel/bpf/syscall.c, bpf_obj_get_info_by_fd): no such descriptor is EBADFD
 * (not EBADF: the kernel's choice here), a descriptor that is not a BPF object is EINVAL, then the
 * kind's info with the rules of bpf_check_uarg_tail_zero for info_len.
 */
public final class GetInfoCommand implements CommandHandler {

    private final Map<ObjectKind, InfoWriter> writers = new EnumMap<>(ObjectKind.class);

    public GetInfoCommand with(ObjectKind kind, InfoWriter writer) {
        writers.put(kind, writer);
        return this;
    }

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        int fd = attr.u32(BPF_FD);
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADFD, "info.bpf_fd " + fd + " is not an open descriptor");
        }
        if (!(ref instanceof FdRef.Object object) || !writers.containsKey(object.object().kind())) {
            throw new BpfException(Errno.EINVAL, "info.bpf_fd " + fd + " is not a BPF object with info");
        }
        InfoWriter writer = writers.get(object.object().kind());
        long info = attr.u64(INFO);
        long infoLen = Integer.toUnsignedLong(attr.u32(INFO_LEN));
        AttrRules.checkTailZero(caller, info, writer.infoSize(), infoLen, "info");
        int len = (int) Math.min(infoLen, writer.infoSize());
        int written;
        try {
            written = writer.write(object.object(), info, len, caller);
        } catch (BpfException e) {
            // ENOSPC from a writer: the info was written but a buffer it points to was short (the name in
            // btf_get_info_by_fd); the kernel still reports info_len.
            if (e.errno() == Errno.ENOSPC) {
                attr.putU32(INFO_LEN, len);
            }
            throw e;
        }
        attr.putU32(INFO_LEN, written);
        return Outcome.value(0);
    }
}
