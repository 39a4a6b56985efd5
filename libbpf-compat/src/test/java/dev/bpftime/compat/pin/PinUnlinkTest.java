package dev.bpftime.compat.pin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.ObjPinAttr;
import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.FakeCaller;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** unlink/rmdir of the emulated bpffs: the pin's reference goes with it; the kernel's errnos otherwise. */
class PinUnlinkTest {

    private final FakeCaller caller = new FakeCaller();
    private final BpfFs fs = new BpfFs();
    private final BpfObject prog = new ObjectTable().register(new BpfObject(ObjectKind.PROG) { });

    private void pin(String path) throws BpfException {
        ByteBuffer a = ByteBuffer.allocate(Attr.UNION_SIZE).order(ByteOrder.nativeOrder());
        a.putLong(ObjPinAttr.PATHNAME.offset(), caller.map((path + "\0").getBytes(StandardCharsets.UTF_8)));
        a.putInt(ObjPinAttr.BPF_FD.offset(), 3);
        new ObjPinCommand(fs).handle(new Attr(a.array(), Attr.UNION_SIZE), caller);
    }

    @Test
    void unlinkDropsThePinAndItsReference() throws BpfException {
        caller.openObject(3, prog);
        pin("/sys/fs/bpf/a");
        assertEquals(2, prog.refs());
        assertEquals(-PinPath.ENOTDIR, PinUnlink.remove(fs, "/sys/fs/bpf/a", true), "rmdir of a pin");
        assertEquals(0, PinUnlink.remove(fs, "/sys/fs/bpf//./a", false));
        assertEquals(1, prog.refs());
        assertFalse(fs.exists("/sys/fs/bpf/a"));
        assertEquals(-Errno.ENOENT, PinUnlink.remove(fs, "/sys/fs/bpf/a", false), "a second unlink");
    }

    @Test
    void refusals() throws BpfException {
        caller.openObject(3, prog);
        pin("/sys/fs/bpf/a");
        assertEquals(-PinUnlink.EISDIR, PinUnlink.remove(fs, "/sys/fs/bpf", false));
        assertEquals(-PinUnlink.EBUSY, PinUnlink.remove(fs, "/sys/fs/bpf/", true));
        assertEquals(-PinPath.ENOTDIR, PinUnlink.remove(fs, "/sys/fs/bpf/a/b", false));
        assertEquals(-Errno.ENOENT, PinUnlink.remove(fs, "/sys/fs/bpf/d/b", false));
        assertEquals(-Errno.ENOENT, PinUnlink.remove(fs, "", false));
        assertEquals(2, prog.refs(), "a refused unlink keeps the pin");
    }
}
