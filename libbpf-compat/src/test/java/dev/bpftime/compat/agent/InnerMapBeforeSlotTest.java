package dev.bpftime.compat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import dev.bpftime.compat.attr.BpfCmd;
import dev.bpftime.compat.link.InMemoryAttachRegistry;
import dev.bpftime.compat.maps.EmulatedMap;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.pin.BpfFs;
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
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order an update of a map of maps keeps with the agents (docs/PROTOCOL.md, "Inner maps"): an
 * agent that has the outer map receives the inner map and acknowledges it before the slot holds the
 * inner map's id, so a program there never finds an id it cannot resolve. A fake agent on a socket
 * pair notes, for each map it receives and each ACK it sends, what the slot shows in shared memory at
 * that moment; the dispatcher and the hub are wired as the service wires them, under one lock.
 */
class InnerMapBeforeSlotTest {

    private static final byte[] RET0 = HexFormat.of().parseHex("b700000000000000" + "9500000000000000");
    private static final int ARRAY = 2, ARRAY_OF_MAPS = 12, HASH_OF_MAPS = 13;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition acked = lock.newCondition();
    private final ObjectTable objects = new ObjectTable();
    private final AgentHub hub = new AgentHub(objects, new InMemoryAttachRegistry(), s -> { }, s -> { });
    private final List<Integer> dropped = new ArrayList<>();
    private final Dispatcher dispatcher = BpfCommands.create(objects, new InMemoryAttachRegistry(), new BpfFs(),
            (outer, inner) -> dropped.addAll(hub.placeInner(outer, inner, acked)), null, (what, e) -> {
                throw new AssertionError(what, e);
            });
    private final FakeCaller caller = new FakeCaller();
    private final int[] pair = UnixSockets.seqpacketPair();
    private int nextFd = 3;

    /** What the fake agent saw: "MAP id slot=X" and "ACK slot=X" lines, in order. */
    private final List<String> seen = new ArrayList<>();
    private volatile EmulatedMap watchedOuter;
    private volatile byte[] watchedKey;
    private volatile boolean stop;
    private Thread agent;

    @AfterEach
    void close() throws InterruptedException {
        stop = true;
        if (agent != null) {
            agent.join(5000);
        }
        LibC.closeQuietly(pair[0]);
        LibC.closeQuietly(pair[1]);
    }

    /** The traced process's side: acknowledges each BARRIER as the agent's control thread does. */
    private void startAgent() {
        agent = new Thread(() -> {
            Memory buffer = new Memory(1 << 20);
            while (!stop) {
                int n = UnixSockets.receive(pair[1], buffer);
                if (n <= 0) {
                    Thread.onSpinWait();
                    continue;
                }
                ByteBuffer b = buffer.getByteBuffer(0, n).order(ByteOrder.nativeOrder());
                int type = b.getShort(6);
                int id = b.getInt(8);
                if (type == AgentWire.MAP) {
                    note("MAP " + id + " slot=" + slot());
                } else if (type == AgentWire.BARRIER) {
                    byte[] ack = AgentWire.message(AgentWire.ACK, id, 0, new long[0], new byte[0], 0);
                    // What the service's thread for this agent does with the ACK, under the service's lock.
                    lock.lock();
                    try {
                        assertTrue(hub.received(pair[0], ack, ack.length, acked));
                        note("ACK slot=" + slot());
                    } finally {
                        lock.unlock();
                    }
                }
            }
        }, "fake-agent");
        agent.setDaemon(true);
        agent.start();
    }

    private synchronized void note(String s) {
        seen.add(s);
    }

    private synchronized List<String> takeSeen() {
        List<String> out = List.copyOf(seen);
        seen.clear();
        return out;
    }

    /** What a program's bpf_map_lookup_elem on the watched slot finds now (0: nothing). */
    private int slot() {
        EmulatedMap outer = watchedOuter;
        return outer == null ? -1 : outer.map().innerId(watchedKey);
    }

    private Dispatcher.Result call(BpfCmd cmd, ByteBuffer attr) {
        lock.lock();
        try {
            Dispatcher.Result r = dispatcher.dispatch(cmd.number(), 144, attr.array(), 4096, caller);
            if (r.newFdFor() != null) {
                caller.openObject(nextFd++, r.newFdFor(), r.view());
            }
            return r;
        } finally {
            lock.unlock();
        }
    }

    private static ByteBuffer attr() {
        return ByteBuffer.allocate(144).order(ByteOrder.nativeOrder());
    }

    private int create(int type, int valueSize, int innerFd) {
        ByteBuffer a = attr().putInt(0, type).putInt(4, 4).putInt(8, valueSize).putInt(12, 4).putInt(20, innerFd);
        Dispatcher.Result r = call(BpfCmd.MAP_CREATE, a);
        assertNotNull(r.newFdFor(), "MAP_CREATE failed: " + r.value());
        return nextFd - 1;
    }

    private long update(int outer, byte[] key, int innerFd) {
        return call(BpfCmd.MAP_UPDATE_ELEM, attr().putInt(0, outer).putLong(8, caller.map(key))
                .putLong(16, caller.map(u32(innerFd)))).value();
    }

    /** BPF_MAP_UPDATE_BATCH of one element. */
    private long updateBatch(int outer, byte[] key, int innerFd) {
        ByteBuffer a = attr().putLong(16, caller.map(key)).putLong(24, caller.map(u32(innerFd))).putInt(32, 1)
                .putInt(36, outer);
        return call(BpfCmd.MAP_UPDATE_BATCH, a).value();
    }

    private EmulatedMap object(int fd) {
        return (EmulatedMap) ((FdRef.Object) caller.fd(fd)).object();
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    /** An agent running a program that uses {@code outer}, brought up to date and acknowledged. */
    private void connectAgentWith(int outer) {
        BpfProgram p = objects.register(new BpfProgram(ProgramType.TRACEPOINT, 0, "p", RET0, List.of(), new byte[8], 0, 0,
                true, 2));
        p.holdMaps(List.of(object(outer)));
        p.image(new ProgramImage(RET0, null, "interpreted in this test"));
        startAgent();
        lock.lock();
        try {
            assertTrue(hub.connected(pair[0], 1234, "/bin/x"));
            hub.awaitAcknowledged(acked);
        } finally {
            lock.unlock();
        }
        takeSeen();
    }

    @Test
    void theAgentHasTheInnerMapBeforeTheSlotNamesIt() {
        for (int type : new int[] {ARRAY_OF_MAPS, HASH_OF_MAPS}) {
            int template = create(ARRAY, 8, 0);
            int outer = create(type, 4, template);
            connectAgentWith(outer);
            byte[] key = u32(1);
            watchedOuter = object(outer);
            watchedKey = key;
            int inner = create(ARRAY, 8, 0);
            int innerId = object(inner).id();

            assertEquals(0, update(outer, key, inner));
            assertEquals(List.of("MAP " + innerId + " slot=0", "ACK slot=0"), takeSeen(),
                    "the map is sent and acknowledged while the slot is still empty, all before the update returns");
            assertEquals(innerId, slot(), "the slot names it once the update returned");

            int second = create(ARRAY, 8, 0);
            int secondId = object(second).id();
            assertEquals(0, updateBatch(outer, key, second));
            assertEquals(List.of("MAP " + secondId + " slot=" + innerId, "ACK slot=" + innerId), takeSeen(),
                    "a batch update keeps the same order");
            assertEquals(secondId, slot());

            assertEquals(0, update(outer, key, inner), "a map the agent has already");
            assertEquals(List.of(), takeSeen(), "is not sent again, and nothing is waited for");
            assertEquals(innerId, slot());
            assertEquals(List.of(), dropped);
            stop = true;
            awaitAgentStopped();
        }
    }

    @Test
    void aRefusedUpdateStaysRefusedAndLeavesTheSlotAlone() {
        int template = create(ARRAY, 8, 0);
        int outer = create(ARRAY_OF_MAPS, 4, template);
        connectAgentWith(outer);
        byte[] key = u32(2);
        watchedOuter = object(outer);
        watchedKey = key;
        int misfit = create(ARRAY, 16, 0); // value size 16 vs the template's 8
        EmulatedMap misfitMap = object(misfit);

        assertEquals(-Errno.EINVAL, update(outer, key, misfit), "the template's check, as bpf_map_meta_equal()");
        assertEquals(0, slot(), "the slot stays empty");
        assertEquals(1, misfitMap.refs(), "only its descriptor holds it: the refused call kept no reference");
        // Pushed before the check, which is harmless: no slot names it (MAP_FREE follows its end).
        assertEquals(List.of("MAP " + misfitMap.id() + " slot=0", "ACK slot=0"), takeSeen());

        assertEquals(-Errno.EBADF, update(outer, key, 999), "no such descriptor");
        assertEquals(-Errno.EINVAL, update(outer, key, outer), "a map of maps as its own inner map");
        assertEquals(-Errno.E2BIG, update(outer, u32(9), misfit), "index out of range, checked before the descriptor");
        assertEquals(0, slot());
    }

    private void awaitAgentStopped() {
        try {
            agent.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertTrue(!agent.isAlive(), "the fake agent stopped");
        stop = false;
        agent = null;
        lock.lock();
        try {
            hub.disconnected(pair[0]);
        } finally {
            lock.unlock();
        }
        LibC.closeQuietly(pair[0]);
        LibC.closeQuietly(pair[1]);
        int[] fresh = UnixSockets.seqpacketPair();
        pair[0] = fresh[0];
        pair[1] = fresh[1];
    }
}
