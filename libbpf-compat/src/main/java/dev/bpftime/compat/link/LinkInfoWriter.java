package dev.bpftime.compat.link;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.InfoWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * struct bpf_link_info (include/uapi/linux/bpf.h, Linux 6.1: 48 bytes): type @0, id @4, prog_id @8,
 * and for a raw tracepoint link tp_name @16, tp_name_len @24 and cookie @32 (6.10), filled as
 * kernel/bpf/syscall.c bpf_raw_tp_link_fill_link_info does (ENOSPC with the full length when the
 * buffer is too short, after copying what fits with a NUL, and then the info is not written; EINVAL for a length without a buffer).
 * A perf-event link has no fill_link_info in 6.1: only the common fields.
 */
public final class LinkInfoWriter implements InfoWriter {

    public static final int SIZE = 48;

    @Override
    public int infoSize() {
        return SIZE;
    }

    @Override
    public int write(BpfObject object, long infoAddress, int infoLen, Caller caller) throws BpfException {
        BpfLink link = (BpfLink) object;
        byte[] raw = caller.read(infoAddress, infoLen, "link info");
        ByteBuffer in = ByteBuffer.wrap(java.util.Arrays.copyOf(raw, SIZE)).order(ByteOrder.nativeOrder());
        ByteBuffer out = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        out.putInt(0, link.type()).putInt(4, link.id()).putInt(8, link.program().id());
        if (link.type() == BpfLink.TYPE_RAW_TRACEPOINT) {
            long buf = in.getLong(16);
            int ulen = in.getInt(24);
            byte[] name = link.tracepointName().getBytes(StandardCharsets.UTF_8);
            // cookie @32 (Linux 6.10), after 4 bytes of padding
            out.putLong(16, buf).putInt(24, name.length + 1).putLong(32, link.cookie());
            if (buf == 0 && ulen != 0) {
                throw new BpfException(Errno.EINVAL, "tp_name NULL with tp_name_len " + ulen);
            }
            if (buf != 0 && ulen > 0) {
                int n = Math.min(ulen - 1, name.length);
                caller.write(buf, java.util.Arrays.copyOf(name, n + 1), "raw_tracepoint.tp_name");
                if (ulen < name.length + 1) {
                    // The info itself is not copied out then: fill_link_info fails first.
                    throw new BpfException(Errno.ENOSPC, "tp_name_len: actual " + ulen + " vs needed "
                            + (name.length + 1));
                }
            }
        }
        byte[] bytes = java.util.Arrays.copyOf(out.array(), infoLen);
        caller.write(infoAddress, bytes, "link info");
        return infoLen;
    }
}
