package dev.bpftime.compat.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.compat.attr.BpfCmd;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.prog.ProgramType;
import dev.bpftime.compat.service.BpfCommands;
import dev.bpftime.compat.syscall.Dispatcher;
import dev.bpftime.compat.syscall.FakeCaller;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The map commands through the dispatcher with a caller made of byte arrays: what the service does
 * with keys, values, descriptors and references, without the shim (ShimKernelDifferentialTest and
 * LibbpfMapsDifferentialTest compare the same commands with the kernel).
 */
class MapCommandsTest {

    private final ObjectTable objects = new ObjectTable();
    private final Dispatcher dispatcher = BpfCommands.create(objects, null, (what, e) -> {
        throw new AssertionError(what, e);
    });
    private final FakeCaller caller = new FakeCaller();
    private int nextFd = 3;

    private static ByteBuffer attr() {
        return ByteBuffer.allocate(144).order(ByteOrder.nativeOrder());
    }

    private Dispatcher.Result call(BpfCmd cmd, ByteBuffer attr) {
        Dispatcher.Result r = dispatcher.dispatch(cmd.number(), 144, attr.array(), 4096, caller);
        if (r.newFdFor() != null) {
            caller.openObject(nextFd++, r.newFdFor(), r.view());
        }
        return r;
    }

    private int create(int type, int key, int value, int max, int flags) {
        ByteBuffer a = attr().putInt(0, type).putInt(4, key).putInt(8, value).putInt(12, max).putInt(16, flags);
        Dispatcher.Result r = call(BpfCmd.MAP_CREATE, a);
        assertNotNull(r.newFdFor(), "MAP_CREATE failed: " + r.value());
        return nextFd - 1;
    }

    private long elem(BpfCmd cmd, int fd, long key, long value, long flags) {
        return call(cmd, attr().putInt(0, fd).putLong(8, key).putLong(16, value).putLong(24, flags)).value();
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array();
    }

    @Test
    void keysAndValuesTravelThroughTheCallersMemory() {
        int fd = create(1, 4, 8, 4, 0);
        long key = caller.map(u32(7));
        assertEquals(0, elem(BpfCmd.MAP_UPDATE_ELEM, fd, key, caller.map(u64(4242)), 0));
        long out = caller.map(new byte[8]);
        assertEquals(0, elem(BpfCmd.MAP_LOOKUP_ELEM, fd, key, out, 0));
        assertEquals(4242, ByteBuffer.wrap(caller.bytesAt(out)).order(ByteOrder.nativeOrder()).getLong());
        assertEquals(-Errno.EFAULT, elem(BpfCmd.MAP_LOOKUP_ELEM, fd, 0xdead0000L, out, 0), "unmapped key");
        assertEquals(-Errno.EFAULT, elem(BpfCmd.MAP_LOOKUP_ELEM, fd, key, caller.map(new byte[8], false), 0),
                "read-only value buffer");
        assertEquals(-Errno.ENOENT, elem(BpfCmd.MAP_LOOKUP_ELEM, fd, caller.map(u32(8)), out, 0));
        assertEquals(-Errno.EINVAL, elem(BpfCmd.MAP_LOOKUP_ELEM, fd, key, out, 8), "flags before the fd");
        assertEquals(-Errno.EBADF, elem(BpfCmd.MAP_LOOKUP_ELEM, 99, key, out, 0));
        caller.openOther(50, "pipe:[1]");
        assertEquals(-Errno.EINVAL, elem(BpfCmd.MAP_LOOKUP_ELEM, 50, key, out, 0));
    }

    @Test
    void eachDescriptorHasItsOwnAccess() {
        int ro = create(2, 4, 8, 2, 1 << 3);
        long key = caller.map(u32(0));
        long value = caller.map(u64(1));
        assertEquals(-Errno.EPERM, elem(BpfCmd.MAP_UPDATE_ELEM, ro, key, value, 0));
        int id = objects.idAtOrAfter(ObjectKind.MAP, 1).orElseThrow();
        Dispatcher.Result rw = call(BpfCmd.MAP_GET_FD_BY_ID, attr().putInt(0, id));
        assertInstanceOf(MapView.class, rw.view());
        assertEquals(0, elem(BpfCmd.MAP_UPDATE_ELEM, nextFd - 1, key, value, 0), "a second fd opened read-write");
        assertEquals(0, elem(BpfCmd.MAP_LOOKUP_ELEM, ro, key, caller.map(new byte[8]), 0));
    }

    @Test
    void aProgArraySlotHoldsTheProgramUntilItIsEmptied() {
        int pa = create(3, 4, 4, 4, 0);
        BpfProgram prog = objects.register(new BpfProgram(ProgramType.SOCKET_FILTER, 0, "p", new byte[16], List.of(),
                new byte[8], 0, 0, true, 2));
        caller.openObject(40, prog);
        long key = caller.map(u32(1));
        assertEquals(0, elem(BpfCmd.MAP_UPDATE_ELEM, pa, key, caller.map(u32(40)), 0));
        assertEquals(2, prog.refs(), "the descriptor's reference and the slot's");
        long out = caller.map(new byte[4]);
        assertEquals(0, elem(BpfCmd.MAP_LOOKUP_ELEM, pa, key, out, 0));
        assertEquals(prog.id(), ByteBuffer.wrap(caller.bytesAt(out)).order(ByteOrder.nativeOrder()).getInt());
        BpfProgram kprobe = objects.register(new BpfProgram(ProgramType.KPROBE, 0, "k", new byte[16], List.of(),
                new byte[8], 0, 0, true, 2));
        caller.openObject(41, kprobe);
        assertEquals(-Errno.EINVAL, elem(BpfCmd.MAP_UPDATE_ELEM, pa, caller.map(u32(2)), caller.map(u32(41)), 0),
                "another program type than the array's owner");
        assertEquals(1, kprobe.refs(), "a refused program is not held");
        assertEquals(0, elem(BpfCmd.MAP_DELETE_ELEM, pa, key, 0, 0));
        assertEquals(1, prog.refs());
    }

    @Test
    void aBatchStopsAtTheFirstUnreadableKeyAndSaysHowFarItGot() {
        int fd = create(1, 4, 8, 16, 0);
        ByteBuffer keys = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(1).putInt(2);
        long keysAt = caller.map(keys.array());
        long valuesAt = caller.map(new byte[5 * 8]);
        ByteBuffer a = attr().putLong(16, keysAt).putLong(24, valuesAt).putInt(32, 5).putInt(36, fd);
        Dispatcher.Result r = call(BpfCmd.MAP_UPDATE_BATCH, a);
        assertEquals(-Errno.EFAULT, r.value());
        assertTrue(r.writebacks().stream().anyMatch(w -> w.offset() == 32
                && ByteBuffer.wrap(w.bytes()).order(ByteOrder.nativeOrder()).getInt() == 2), "count 2 written back");
    }

    @Test
    void theLastDescriptorFreesTheMapAndItsId() {
        int fd = create(2, 4, 8, 2, 0);
        EmulatedMap map = (EmulatedMap) ((dev.bpftime.compat.syscall.FdRef.Object) caller.fd(fd)).object();
        int id = map.id();
        ((MapView) ((dev.bpftime.compat.syscall.FdRef.Object) caller.fd(fd)).view()).close();
        map.release();
        assertFalse(map.alive());
        assertEquals(-Errno.ENOENT, call(BpfCmd.MAP_GET_FD_BY_ID, attr().putInt(0, id)).value());
    }
}
