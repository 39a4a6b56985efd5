package dev.bpftime.compat.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import dev.bpftime.compat.agent.AgentHub;
import dev.bpftime.compat.agent.AgentWire;
import dev.bpftime.compat.attr.BpfCmd;
import dev.bpftime.compat.link.InMemoryAttachRegistry;
import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.posix.LibC;
import dev.bpftime.compat.posix.UnixSockets;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.prog.ProgramImage;
import dev.bpftime.compat.prog.ProgramType;
import dev.bpftime.compat.service.BpfCommands;
import dev.bpftime.compat.syscall.Dispatcher;
import dev.bpftime.compat.syscall.FakeCaller;
import dev.bpftime.compat.syscall.FdRef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Maps of maps in the service: the references slots hold (an inner map outlives its descriptors while
 * a slot holds it, as with the kernel's bpf_map_fd_get_ptr()) and what agents are sent: a map put into
 * a slot of an outer map an agent has reaches that agent at the next sync, which comes before the
 * update is answered, so a program already running there can look it up (docs/PROTOCOL.md, "Inner maps").
 */
class MapOfMapsAgentsTest {

    private static final byte[] RET0 = HexFormat.of().parseHex("b700000000000000" + "9500000000000000");
    private static final int ARRAY = 2, ARRAY_OF_MAPS = 12, HASH_OF_MAPS = 13;
    private static final int MAP = AgentWire.MAP, PROG = AgentWire.PROG, MAP_FREE = AgentWire.MAP_FREE,
            SYNCED = AgentWire.SYNCED;

    private final ObjectTable objects = new ObjectTable();
    private final Dispatcher dispatcher = BpfCommands.create(objects, null, (what, e) -> {
        throw new AssertionError(what, e);
    });
    private final FakeCaller caller = new FakeCaller();
    private final AgentHub hub = new AgentHub(objects, new InMemoryAttachRegistry(), s -> { }, s -> { });
    private final int[] pair = UnixSockets.seqpacketPair();
    private final Memory buffer = new Memory(1 << 20);
    private int nextFd = 3;

    @AfterEach
    void close() {
        LibC.closeQuietly(pair[0]);
        LibC.closeQuietly(pair[1]);
    }

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

    private int create(int type, int valueSize, int max, int innerFd) {
        ByteBuffer a = attr().putInt(0, type).putInt(4, 4).putInt(8, valueSize).putInt(12, max).putInt(20, innerFd);
        Dispatcher.Result r = call(BpfCmd.MAP_CREATE, a);
        assertNotNull(r.newFdFor(), "MAP_CREATE failed: " + r.value());
        return nextFd - 1;
    }

    private long update(int outer, int key, int innerFd, long flags) {
        return call(BpfCmd.MAP_UPDATE_ELEM, attr().putInt(0, outer).putLong(8, caller.map(u32(key)))
                .putLong(16, caller.map(u32(innerFd))).putLong(24, flags)).value();
    }

    private long delete(int outer, int key) {
        return call(BpfCmd.MAP_DELETE_ELEM, attr().putInt(0, outer).putLong(8, caller.map(u32(key)))).value();
    }

    private EmulatedMap object(int fd) {
        return (EmulatedMap) ((FdRef.Object) caller.fd(fd)).object();
    }

    /** What closing the app's only descriptor does: its view and its reference go. */
    private void closeFd(int fd) {
        FdRef.Object o = (FdRef.Object) caller.fd(fd);
        o.view().close();
        o.object().release();
        caller.openOther(fd, "a file that is not a BPF object"); // FakeCaller cannot forget a descriptor
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    /** The (type, id) of each message the agent end received since the last call. */
    private List<int[]> received() {
        List<int[]> out = new ArrayList<>();
        int n;
        while ((n = UnixSockets.receive(pair[1], buffer)) > 0) {
            ByteBuffer b = buffer.getByteBuffer(0, n).order(ByteOrder.nativeOrder());
            out.add(new int[] {b.getShort(6), b.getInt(8)});
        }
        return out;
    }

    private static List<Integer> ids(List<int[]> messages, int type) {
        return messages.stream().filter(m -> m[0] == type).map(m -> m[1]).toList();
    }

    @Test
    void aSlotKeepsItsMapAliveWithoutDescriptors() {
        for (int type : new int[] {ARRAY_OF_MAPS, HASH_OF_MAPS}) {
            int template = create(ARRAY, 8, 1, 0);
            int outer = create(type, 4, 4, template);
            closeFd(template); // the outer map keeps the template's shape, not the map
            int inner = create(ARRAY, 8, 1, 0);
            int innerId = object(inner).id();
            assertEquals(0, update(outer, 1, inner, 0));
            closeFd(inner);
            BpfObject held = objects.byId(ObjectKind.MAP, innerId).orElse(null);
            assertNotNull(held, "held by the slot alone");
            assertEquals(1, held.refs());
            int second = create(ARRAY, 8, 1, 0);
            assertEquals(0, update(outer, 1, second, 0), "overwriting the slot");
            assertTrue(objects.byId(ObjectKind.MAP, innerId).isEmpty(), "the map it held is freed");
            int secondId = object(second).id();
            closeFd(second);
            assertEquals(0, delete(outer, 1));
            assertTrue(objects.byId(ObjectKind.MAP, secondId).isEmpty(), "deleting the slot frees its map");
            int third = create(ARRAY, 8, 1, 0);
            int thirdId = object(third).id();
            assertEquals(0, update(outer, 2, third, 0));
            closeFd(third);
            assertEquals(-Errno.EBADF, update(outer, 3, 999, 0), "no such descriptor");
            assertEquals(-Errno.EINVAL, update(outer, 3, third, 0), "a descriptor of something else");
            closeFd(outer);
            assertTrue(objects.byId(ObjectKind.MAP, thirdId).isEmpty(), "the outer map's end frees what it held");
        }
        assertEquals(0, objects.count(ObjectKind.MAP), "nothing left");
    }

    @Test
    void agentsGetEachMapASlotHoldsBeforeTheUpdateIsAnswered() {
        int template = create(ARRAY, 8, 1, 0);
        int outer = create(ARRAY_OF_MAPS, 4, 4, template);
        int early = create(ARRAY, 8, 1, 0);
        assertEquals(0, update(outer, 0, early, 0));
        BpfProgram p = objects.register(new BpfProgram(ProgramType.TRACEPOINT, 0, "p", RET0, List.of(), new byte[8], 0, 0,
                true, 2));
        p.holdMaps(List.of(object(outer)));
        p.image(new ProgramImage(RET0, null, "interpreted in this test"));
        assertTrue(hub.connected(pair[0], 1234, "/bin/x"));
        List<int[]> first = received();
        assertEquals(List.of(object(outer).id(), object(early).id()), ids(first, MAP),
                "the outer map, then what its slots hold");
        assertEquals(List.of(p.id()), ids(first, PROG));
        assertEquals(1, ids(first, SYNCED).size());

        int late = create(ARRAY, 8, 1, 0);
        int lateId = object(late).id();
        hub.sync();
        assertEquals(List.of(), ids(received(), MAP), "a map no slot holds is not sent");
        assertEquals(0, update(outer, 1, late, 0));
        hub.sync(); // what the service does after every request, before answering it
        assertEquals(List.of(lateId), ids(received(), MAP), "put into a slot after the program was sent");
        closeFd(late);
        assertEquals(0, delete(outer, 1));
        hub.sync();
        assertEquals(List.of(lateId), ids(received(), MAP_FREE), "freed by the service, then by the agent");
    }
}
