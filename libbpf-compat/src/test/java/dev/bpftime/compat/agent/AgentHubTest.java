package dev.bpftime.compat.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import dev.bpftime.compat.link.Attachment;
import dev.bpftime.compat.link.Hook;
import dev.bpftime.compat.link.InMemoryAttachRegistry;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.LibC;
import dev.bpftime.compat.posix.UnixSockets;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.prog.ProgramImage;
import dev.bpftime.compat.prog.ProgramType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the service pushes to an agent, in which order, for which pid (AgentWire's layout). */
class AgentHubTest {

    private static final byte[] RET0 = HexFormat.of().parseHex("b700000000000000" + "9500000000000000");

    private final ObjectTable objects = new ObjectTable();
    private final InMemoryAttachRegistry registry = new InMemoryAttachRegistry();
    private final List<String> log = new ArrayList<>();
    private final AgentHub hub = new AgentHub(objects, registry, log::add, log::add);
    private final int[] pair = UnixSockets.seqpacketPair();
    private final Memory buffer = new Memory(1 << 20);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition acked = lock.newCondition();

    record Message(int type, int id, int flags, long[] a, byte[] payload) {
    }

    @AfterEach
    void close() {
        LibC.closeQuietly(pair[0]);
        LibC.closeQuietly(pair[1]);
    }

    private List<Message> received() {
        List<Message> out = new ArrayList<>();
        int n;
        while ((n = UnixSockets.receive(pair[1], buffer)) > 0) {
            ByteBuffer b = buffer.getByteBuffer(0, n).order(ByteOrder.nativeOrder());
            assertEquals(AgentWire.MAGIC, b.getInt(0));
            assertEquals(AgentWire.VERSION, b.getShort(4));
            long[] a = new long[5];
            for (int i = 0; i < 5; i++) {
                a[i] = b.getLong(16 + 8 * i);
            }
            int len = b.getInt(56);
            assertEquals(n - AgentWire.HEADER, len, "payload_len");
            byte[] payload = new byte[len];
            b.position(AgentWire.HEADER);
            b.get(payload);
            out.add(new Message(b.getShort(6), b.getInt(8), b.getInt(12), a, payload));
        }
        return out;
    }

    private BpfProgram program() {
        BpfProgram p = objects.register(new BpfProgram(ProgramType.TRACEPOINT, 0, "p", RET0, List.of(), new byte[8], 0, 0,
                true, 2));
        p.image(new ProgramImage(RET0, null, "refused for the test"));
        return p;
    }

    @Test
    void anAgentGetsProgramsThenItsAttachmentsThenSynced() {
        BpfProgram p = program();
        Attachment mine = registry.attach(new Hook.SyscallTracepoint("openat", 257, false), p.id(), -1, 0, 7);
        registry.attach(new Hook.Uprobe("/bin/true", 0x100, 0, false), p.id(), 4242, -1, 0);
        assertTrue(hub.connected(pair[0], 1234, "/bin/x"));
        List<Message> m = received();
        assertEquals(List.of(AgentWire.PROG, AgentWire.ATTACH, AgentWire.SYNCED, AgentWire.BARRIER), m.stream().map(Message::type).toList(),
                "another pid's attachment is not sent");
        assertEquals(p.id(), m.get(0).id());
        assertArrayEquals(new long[] {ProgramType.TRACEPOINT.number(), 2, 0, 0, 0}, m.get(0).a(), "no JIT code");
        assertArrayEquals(RET0, m.get(0).payload());
        assertEquals((int) mine.id(), m.get(1).id());
        assertArrayEquals(new long[] {p.id(), AgentWire.HOOK_SYSCALL_TRACEPOINT, 257, 0, 7}, m.get(1).a());
        assertTrue(log.stream().anyMatch(l -> l.contains("interpreter") && l.contains("refused for the test")), log.toString());
    }

    @Test
    void changesArePushedLiveAndInOrder() {
        BpfProgram p = program();
        hub.connected(pair[0], 1234, "/bin/x");
        assertEquals(List.of(AgentWire.PROG, AgentWire.SYNCED, AgentWire.BARRIER),
                received().stream().map(Message::type).toList());
        Attachment uretprobe = registry.attach(new Hook.Uprobe("/usr/bin/app", 0x1450, 0x2a, true), p.id(), 1234, -1, 9);
        Attachment exit = registry.attach(new Hook.RawSyscall(true, true), p.id(), -1, -1, 0);
        hub.sync();
        List<Message> m = received();
        assertEquals(3, m.size());
        assertEquals(AgentWire.BARRIER, m.get(2).type(), "a batch ends with a barrier");
        assertArrayEquals(new long[] {p.id(), AgentWire.HOOK_UPROBE, 0x1450, 0x2a, 9}, m.get(0).a());
        assertEquals(AgentWire.F_EXIT, m.get(0).flags());
        assertEquals("/usr/bin/app\0", new String(m.get(0).payload(), StandardCharsets.UTF_8));
        assertArrayEquals(new long[] {p.id(), AgentWire.HOOK_RAW_SYSCALL, 0, 0, 0}, m.get(1).a());
        registry.detach(uretprobe.id());
        hub.sync();
        m = received();
        assertEquals(List.of(AgentWire.DETACH, AgentWire.BARRIER), m.stream().map(Message::type).toList());
        assertEquals((int) uretprobe.id(), m.get(0).id());
        hub.sync();
        assertEquals(List.of(), received(), "nothing twice");
        registry.detach(exit.id());
        int progId = p.id();
        p.release(); // the service frees it: after its attachments went, the agent is told to free it
        hub.sync();
        m = received();
        assertEquals(List.of(AgentWire.DETACH, AgentWire.PROG_FREE, AgentWire.BARRIER), m.stream().map(Message::type).toList());
        assertEquals(progId, m.get(1).id());
        hub.disconnected(pair[0]);
        assertEquals(List.of(), hub.sync(), "a disconnected agent is not sent to");
        assertEquals(List.of(), received());
    }

    private void ack(int seq) {
        byte[] ack = AgentWire.message(AgentWire.ACK, seq, 0, new long[0], new byte[0], 0);
        lock.lock();
        try {
            assertTrue(hub.received(pair[0], ack, ack.length, acked));
        } finally {
            lock.unlock();
        }
    }

    private long awaitMs() {
        long t0 = System.nanoTime();
        lock.lock();
        try {
            hub.awaitAcknowledged(acked);
        } finally {
            lock.unlock();
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** A loader's call is answered once every agent acknowledged the batch it caused (its last barrier). */
    @Test
    void aCallWaitsForTheAgentsAcknowledgement() throws Exception {
        BpfProgram p = program();
        hub.connected(pair[0], 1234, "/bin/x");
        ack(received().get(2).id());
        assertTrue(awaitMs() < 500, "nothing left to wait for");
        registry.attach(new Hook.RawSyscall(false, true), p.id(), -1, -1, 0);
        hub.sync();
        int barrier = received().get(1).id();
        Thread agent = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            ack(barrier);
        });
        agent.start();
        long waited = awaitMs();
        agent.join();
        assertTrue(waited >= 250 && waited < AgentHub.ACK_TIMEOUT_MS, "waited " + waited + " ms for the ACK");
        assertTrue(log.stream().noneMatch(l -> l.contains("did not apply")), log.toString());
    }

    @Test
    void aLaggingAgentIsNamedAndTheCallAnsweredAnyway() {
        hub.connected(pair[0], 1234, "/bin/x");
        received();
        long waited = awaitMs();
        assertTrue(waited >= AgentHub.ACK_TIMEOUT_MS - 50 && waited < AgentHub.ACK_TIMEOUT_MS + 1000, "waited " + waited);
        assertTrue(log.stream().anyMatch(l -> l.contains("agent pid 1234") && l.contains("did not apply")), log.toString());
        byte[] junk = AgentWire.message(AgentWire.MAP, 1, 0, new long[0], new byte[0], 0);
        lock.lock();
        try {
            assertTrue(!hub.received(pair[0], junk, junk.length, acked), "anything but an ACK is refused");
        } finally {
            lock.unlock();
        }
    }
}
