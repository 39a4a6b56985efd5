package dev.bpftime.compat.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.BpfCmd;
import dev.bpftime.compat.attr.MapCreateAttr;
import dev.bpftime.compat.attr.ProgLoadAttr;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.service.BpfCommands;
import dev.bpftime.compat.syscall.Dispatcher;
import dev.bpftime.compat.syscall.FakeCaller;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/**
 * MAP_CREATE's fields of Linux 6.18 through the dispatcher, without root: the token refused after the
 * type's checks, the exclusive program's hash checked at creation and enforced at PROG_LOAD with the
 * verifier's line (the bpf_cases "fields" group compares the same with the kernel).
 */
class MapCreateFieldsTest {

    private static final int TOKEN_FD_FLAG = 1 << 16;

    private final Dispatcher dispatcher = BpfCommands.create(new ObjectTable(), null, (what, e) -> {
        throw new AssertionError(what, e);
    });
    private final FakeCaller caller = new FakeCaller();
    private int nextFd = 3;

    private Dispatcher.Result call(BpfCmd cmd, ByteBuffer attr) {
        Dispatcher.Result r = dispatcher.dispatch(cmd.number(), Attr.UNION_SIZE, attr.array(), 4096, caller);
        if (r.newFdFor() != null) {
            caller.openObject(nextFd++, r.newFdFor(), r.view());
        }
        return r;
    }

    private static ByteBuffer array(int keySize, int flags) {
        return ByteBuffer.allocate(Attr.UNION_SIZE).order(ByteOrder.nativeOrder()).putInt(0, 2).putInt(4, keySize)
                .putInt(8, 8).putInt(12, 2).putInt(16, flags);
    }

    /** r1 = the map (ld_imm64 of BPF_PSEUDO_MAP_FD); r0 = ret; exit. */
    private static byte[] program(int mapFd, int ret) {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 0x18).put(1, (byte) 0x11).putInt(4, mapFd);
        b.put(16, (byte) 0xb7).putInt(20, ret);
        b.put(24, (byte) 0x95);
        return b.array();
    }

    /** bpf_prog_calc_tag's SHA-256: the instructions with the map's fd zeroed. */
    private static byte[] digest(byte[] insns) throws Exception {
        byte[] masked = insns.clone();
        ByteBuffer.wrap(masked).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 0).putInt(12, 0);
        return MessageDigest.getInstance("SHA-256").digest(masked);
    }

    private Dispatcher.Result load(byte[] insns, long log) {
        ByteBuffer a = ByteBuffer.allocate(Attr.UNION_SIZE).order(ByteOrder.nativeOrder());
        a.putInt(ProgLoadAttr.PROG_TYPE.offset(), 1).putInt(ProgLoadAttr.INSN_CNT.offset(), insns.length / 8)
                .putLong(ProgLoadAttr.INSNS.offset(), caller.map(insns))
                .putLong(ProgLoadAttr.LICENSE.offset(), caller.map("GPL\0".getBytes(StandardCharsets.US_ASCII)))
                .putInt(ProgLoadAttr.LOG_LEVEL.offset(), 1).putInt(ProgLoadAttr.LOG_SIZE.offset(), 1024)
                .putLong(ProgLoadAttr.LOG_BUF.offset(), log);
        return call(BpfCmd.PROG_LOAD, a);
    }

    @Test
    void aTokenIsRefusedAsADescriptorThatIsNoToken() {
        ByteBuffer a = array(4, TOKEN_FD_FLAG).putInt(MapCreateAttr.MAP_TOKEN_FD.offset(), 987);
        assertEquals(-Errno.EBADF, call(BpfCmd.MAP_CREATE, a).value(), "a closed token descriptor");
        int map = nextFd;
        assertNotNull(call(BpfCmd.MAP_CREATE, array(4, 0)).newFdFor());
        a.putInt(MapCreateAttr.MAP_TOKEN_FD.offset(), map);
        assertEquals(-Errno.EINVAL, call(BpfCmd.MAP_CREATE, a).value(), "a map is no token");
        assertEquals(-Errno.EINVAL, call(BpfCmd.MAP_CREATE, array(8, TOKEN_FD_FLAG)
                .putInt(MapCreateAttr.MAP_TOKEN_FD.offset(), 987)).value(), "the type's checks come first");
        assertNotNull(call(BpfCmd.MAP_CREATE, array(4, 0).putInt(MapCreateAttr.MAP_TOKEN_FD.offset(), 987)
                .putInt(MapCreateAttr.VALUE_TYPE_BTF_OBJ_FD.offset(), 5)).newFdFor(), "no flag, no token");
    }

    @Test
    void anExclusiveMapServesOnlyTheProgramWithItsHash() throws Exception {
        int map = nextFd;
        byte[] mine = program(map, 0);
        long hash = caller.map(digest(mine));
        assertEquals(-Errno.EINVAL, call(BpfCmd.MAP_CREATE, array(4, 0)
                .putInt(MapCreateAttr.EXCL_PROG_HASH_SIZE.offset(), 32)).value(), "a size without a hash");
        assertEquals(-Errno.EINVAL, call(BpfCmd.MAP_CREATE, array(4, 0)
                .putLong(MapCreateAttr.EXCL_PROG_HASH.offset(), hash)
                .putInt(MapCreateAttr.EXCL_PROG_HASH_SIZE.offset(), 20)).value(), "a SHA-1's size");
        assertEquals(-Errno.EFAULT, call(BpfCmd.MAP_CREATE, array(4, 0)
                .putLong(MapCreateAttr.EXCL_PROG_HASH.offset(), 0xdead0000L)
                .putInt(MapCreateAttr.EXCL_PROG_HASH_SIZE.offset(), 32)).value(), "an unreadable hash");
        assertEquals(map, nextFd, "no descriptor made so far");
        assertNotNull(call(BpfCmd.MAP_CREATE, array(4, 0).putLong(MapCreateAttr.EXCL_PROG_HASH.offset(), hash)
                .putInt(MapCreateAttr.EXCL_PROG_HASH_SIZE.offset(), 32)).newFdFor());

        assertNotNull(load(mine, caller.map(new byte[1024])).newFdFor(), "the program the hash names");
        long log = caller.map(new byte[1024]);
        Dispatcher.Result other = load(program(map, 1), log);
        assertNull(other.newFdFor());
        assertEquals(-Errno.EACCES, other.value());
        String text = new String(caller.bytesAt(log), StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("program's hash doesn't match map's excl_prog_hash\n"), text);
    }
}
