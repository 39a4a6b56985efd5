package dev.bpftime.compat.pin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

/** OBJ_PIN / OBJ_GET on the emulated bpffs: paths folded as a lookup would, the pin's reference, errnos. */
class PinCommandsTest {

    private final FakeCaller caller = new FakeCaller();
    private final BpfFs fs = new BpfFs();
    private final BpfObject prog = new ObjectTable().register(new BpfObject(ObjectKind.PROG) { });

    private Attr attr(String path, int fd, int flags) {
        ByteBuffer a = ByteBuffer.allocate(Attr.UNION_SIZE).order(ByteOrder.nativeOrder());
        a.putLong(ObjPinAttr.PATHNAME.offset(), caller.map((path + "\0").getBytes(StandardCharsets.UTF_8)));
        a.putInt(ObjPinAttr.BPF_FD.offset(), fd);
        a.putInt(ObjPinAttr.FILE_FLAGS.offset(), flags);
        return new Attr(a.array(), Attr.UNION_SIZE);
    }

    @Test
    void normalizesDotsAndSlashes() {
        assertEquals("/sys/fs/bpf/x", PinPath.normalize("/sys//fs/./bpf/y/../x"));
        assertEquals("/", PinPath.normalize("/../.."));
    }

    @Test
    void aPinHoldsAReferenceAndGetReturnsTheObject() throws BpfException {
        caller.openObject(3, prog);
        new ObjPinCommand(fs).handle(attr("/sys/fs/bpf//a", 3, 0), caller);
        assertEquals(2, prog.refs());
        assertSame(prog, new ObjGetCommand(fs).handle(attr("/sys/fs/bpf/./a", 0, 0), caller).newFdFor());
        assertEquals(3, prog.refs());
        BpfException again = assertThrows(BpfException.class,
                () -> new ObjPinCommand(fs).handle(attr("/sys/fs/bpf/a", 3, 0), caller));
        assertEquals(Errno.EEXIST, again.errno());
        assertEquals(3, prog.refs(), "a refused pin takes no reference");
    }

    @Test
    void refusals() {
        caller.openObject(3, prog);
        assertEquals(PinPath.ENOTDIR, errno(() -> {
            new ObjPinCommand(fs).handle(attr("/sys/fs/bpf/a", 3, 0), caller);
            new ObjPinCommand(fs).handle(attr("/sys/fs/bpf/a/b", 3, 0), caller);
        }));
        assertEquals(Errno.ENOENT, errno(() -> new ObjPinCommand(fs).handle(attr("/sys/fs/bpf/d/b", 3, 0), caller)));
        assertEquals(Errno.EINVAL, errno(() -> new ObjPinCommand(fs).handle(attr("/sys/fs/bpf/c", 9, 0), caller)));
        assertEquals(Errno.EACCES, errno(() -> new ObjGetCommand(fs).handle(attr("/sys/fs/bpf/", 0, 0), caller)));
        assertEquals(Errno.EINVAL, errno(() -> new ObjGetCommand(fs).handle(attr("/sys/fs/bpf/a", 0,
                ObjGetCommand.BPF_F_RDONLY | ObjGetCommand.BPF_F_WRONLY), caller)));
    }

    private interface Call {
        void run() throws BpfException;
    }

    private static int errno(Call call) {
        return assertThrows(BpfException.class, call::run).errno();
    }
}
