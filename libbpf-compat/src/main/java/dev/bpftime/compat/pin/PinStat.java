package dev.bpftime.compat.pin;

import dev.bpftime.compat.posix.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * stat(), lstat(), fstatat(), statx() and statfs() of a path in the emulated bpffs, as the shim forwards
 * them (WIRE_PIN_STAT): the node's attributes as the 48-byte {@code struct wire_pin_stat} of
 * shim_wire.h, or the errno of the kernel's path walk (ENOENT for a missing name, ENOTDIR under a pin).
 * A path that, folded, leaves the mount is not ours: the shim then asks the host.
 */
public final class PinStat {

    /** struct wire_pin_stat: u64 ino, u32 mode, nlink, uid, gid, s64 mtime_ns, ctime_ns, reserved. */
    public static final int SIZE = 48;

    /** The answer: attributes, an errno, or "not in the emulated mount". */
    public record Answer(int errno, Optional<byte[]> attributes, boolean foreign) {
    }

    private PinStat() {
    }

    public static Answer of(BpfFs fs, String path) {
        String normalized = PinPath.normalize(path);
        if (!BpfFs.inMount(normalized)) {
            return new Answer(0, Optional.empty(), true);
        }
        Optional<BpfFs.Node> node = fs.node(normalized);
        if (node.isEmpty()) {
            return new Answer(walkErrno(fs, normalized), Optional.empty(), false);
        }
        if (path.endsWith("/") && (node.get().mode() & BpfFs.S_IFDIR) == 0) {
            return new Answer(PinPath.ENOTDIR, Optional.empty(), false); // "pin/": a trailing slash needs a directory
        }
        BpfFs.Node n = node.get();
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        b.putLong(n.ino()).putInt(n.mode()).putInt(n.nlink()).putInt(n.uid()).putInt(n.gid())
                .putLong(n.mtimeNs()).putLong(n.ctimeNs()).putLong(0);
        return new Answer(0, Optional.of(b.array()), false);
    }

    /** The walk to a missing node fails at the first component that is missing (ENOENT) or a pin (ENOTDIR). */
    static int walkErrno(BpfFs fs, String normalized) {
        int at = BpfFs.MOUNT.length();
        while (true) {
            int next = normalized.indexOf('/', at + 1);
            if (next < 0) {
                return Errno.ENOENT;
            }
            String prefix = normalized.substring(0, next);
            if (!fs.exists(prefix)) {
                return Errno.ENOENT;
            }
            if (!fs.isDirectory(prefix)) {
                return PinPath.ENOTDIR;
            }
            at = next;
        }
    }
}
