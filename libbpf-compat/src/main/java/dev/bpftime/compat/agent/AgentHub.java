package dev.bpftime.compat.agent;

import com.sun.jna.LastErrorException;
import dev.bpftime.compat.link.AttachRegistry;
import dev.bpftime.compat.link.Attachment;
import dev.bpftime.compat.link.Hook;
import dev.bpftime.compat.maps.EmulatedMap;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.perf.PerfEvent;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.prog.ProgramImage;
import dev.bpftime.jit.JitImage;
import dev.bpftime.jit.Relocation;
import dev.bpftime.maps.BpfMap;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.function.Consumer;

/**
 * The service's side of the agents (docs/PROTOCOL.md, "Agents"): each traced process that connected
 * as an agent is brought up to date, in order, with what it must run: the maps and perf buffers
 * first, then every loaded program (a tail call may reach any of them), then the attachments whose
 * pid is -1 or the agent's, detachments, and last the programs, maps and perf buffers the service
 * freed, so that the agent can free them too. {@link #sync()} runs after every request the service
 * served and every descriptor it saw closed, so a change reaches the agents before the next call of
 * any client is answered. Called under the service's lock, like every command.
 */
public final class AgentHub {

    static final int SEND_TIMEOUT_MS = 2000;
    /** How long a loader's call waits for the agents to apply what it changed (then it is answered anyway). */
    static final int ACK_TIMEOUT_MS = 2000;

    private final ObjectTable objects;
    private final AttachRegistry registry;
    private final Consumer<String> info;
    private final Consumer<String> warn;
    private final Map<Integer, AgentConnection> agents = new LinkedHashMap<>();
    private final Set<Integer> interpretedNoted = new HashSet<>();

    public AgentHub(ObjectTable objects, AttachRegistry registry, Consumer<String> info, Consumer<String> warn) {
        this.objects = objects;
        this.registry = registry;
        this.info = info;
        this.warn = warn;
    }

    /**
     * A process said hello as an agent on {@code fd} (already answered): it gets the current state,
     * then SYNCED. Returns false when it could not be sent to (the caller drops the connection).
     */
    public boolean connected(int fd, int pid, String exe) {
        AgentConnection a = new AgentConnection(fd, pid, exe);
        try {
            AgentSocket.prepare(fd, SEND_TIMEOUT_MS);
            agents.put(fd, a);
            bringUpToDate(a);
            AgentSocket.send(fd, AgentWire.message(AgentWire.SYNCED, 0, 0, new long[0], new byte[0], 0));
            barrier(a);
            info.accept(a + " connected: " + a.attachments.size() + " attachments, " + a.programs.size() + " programs");
            return true;
        } catch (LastErrorException | SendFailed e) {
            warn.accept(a + ": cannot send its state (" + e.getMessage() + "): dropping it");
            agents.remove(fd);
            return false;
        }
    }

    public boolean isAgent(int fd) {
        return agents.containsKey(fd);
    }

    public void disconnected(int fd) {
        AgentConnection a = agents.remove(fd);
        if (a != null) {
            info.accept(a + " disconnected");
        }
    }

    /** Sends every agent what changed; returns the fds of agents that could not be sent to. */
    public List<Integer> sync() {
        List<Integer> failed = new ArrayList<>();
        for (AgentConnection a : List.copyOf(agents.values())) {
            try {
                bringUpToDate(a);
                if (a.unbarriered) {
                    barrier(a);
                }
            } catch (LastErrorException | SendFailed e) {
                drop(a, e, failed);
            }
        }
        return failed;
    }

    /** Asks the agent to acknowledge once it applied everything sent so far. */
    private void barrier(AgentConnection a) {
        a.barrierSent++;
        send(a, AgentWire.message(AgentWire.BARRIER, (int) a.barrierSent, 0, new long[0], new byte[0], 0));
        a.unbarriered = false;
    }

    /**
     * An agent sent {@code message}: an ACK is recorded and {@code acked} signalled; returns false for
     * anything else (the caller drops the agent).
     */
    public boolean received(int fd, byte[] message, int n, Condition acked) {
        AgentConnection a = agents.get(fd);
        long seq = AgentWire.ackSequence(message, n);
        if (a == null || seq < 0) {
            return false;
        }
        // 32-bit on the wire: the acknowledged number is the latest sent with these low bits.
        long full = (a.barrierSent & ~0xffffffffL) | seq;
        if (full > a.barrierSent) {
            full -= 1L << 32;
        }
        a.barrierAcked = Math.max(a.barrierAcked, full);
        acked.signalAll();
        return true;
    }

    /**
     * Waits (giving up the service's lock, whose condition {@code acked} is) until every agent
     * acknowledged what it was sent, at most {@link #ACK_TIMEOUT_MS}; an agent that lags is logged and
     * the caller answers anyway. An agent that went away meanwhile is not waited for.
     */
    public void awaitAcknowledged(Condition acked) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACK_TIMEOUT_MS);
        for (;;) {
            List<AgentConnection> lagging = agents.values().stream().filter(a -> a.barrierAcked < a.barrierSent).toList();
            if (lagging.isEmpty()) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                for (AgentConnection a : lagging) {
                    if (a.barrierAcked < a.barrierSent) {
                        warn.accept(a + " did not apply its changes within " + ACK_TIMEOUT_MS
                                + " ms: answering the call anyway");
                        a.barrierAcked = a.barrierSent; // warn once per lag
                    }
                }
                return;
            }
            try {
                acked.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Before a slot of {@code outer} names {@code inner}: every agent that has the outer map gets the
     * inner map and acknowledges it, since a program there may read the slot at any moment and an id it
     * cannot resolve reads as an empty slot. Waits as {@link #awaitAcknowledged} does (giving up the
     * service's lock), so the agents are checked again under the lock until none lacks it: one that
     * connected meanwhile is served too. Returns the fds of the agents that could not be sent to (dropped).
     */
    public List<Integer> placeInner(EmulatedMap outer, EmulatedMap inner, Condition acked) {
        List<Integer> failed = new ArrayList<>();
        for (;;) {
            List<AgentConnection> lacking = agents.values().stream().filter(a -> a.maps.contains(outer.id())
                    && (!a.maps.contains(inner.id()) || a.unbarriered || a.barrierAcked < a.barrierSent)).toList();
            if (lacking.isEmpty() || Thread.currentThread().isInterrupted()) {
                return failed;
            }
            for (AgentConnection a : lacking) {
                try {
                    sendMap(a, inner);
                    if (a.unbarriered) {
                        barrier(a);
                    }
                } catch (LastErrorException | SendFailed e) {
                    drop(a, e, failed);
                }
            }
            awaitAcknowledged(acked);
        }
    }

    private void bringUpToDate(AgentConnection a) {
        for (int id : ids(ObjectKind.PERF_EVENT)) {
            if (!a.perfBuffers.contains(id) && objects.byId(ObjectKind.PERF_EVENT, id).orElse(null) instanceof PerfEvent e
                    && e.sharedMemory() != null) {
                BpfMap b = e.sharedMemory();
                send(a, AgentWire.message(AgentWire.PERF_BUFFER, id, 0, new long[] {e.cpu()}, new byte[0], 2),
                        b.memfd(), b.eventfd());
                a.perfBuffers.add(id);
            }
        }
        for (int id : ids(ObjectKind.PROG)) {
            if (objects.byId(ObjectKind.PROG, id).orElse(null) instanceof BpfProgram p) {
                sendProgram(a, p);
            }
        }
        // The maps the slots of its maps of maps hold, which its programs reach by id through
        // bpf_map_lookup_elem. An update sends them before it writes the slot (placeInner); this
        // finds nothing new then, and stays for the maps an agent gets with an outer map later.
        for (int id : List.copyOf(a.maps)) {
            if (objects.byId(ObjectKind.MAP, id).orElse(null) instanceof EmulatedMap outer) {
                for (EmulatedMap inner : outer.innerMaps()) {
                    sendMap(a, inner);
                }
            }
        }
        Set<Long> wanted = new HashSet<>();
        for (Attachment at : registry.attachments()) {
            if (at.pid() != -1 && at.pid() != a.pid) {
                continue;
            }
            wanted.add(at.id());
            if (!a.attachments.contains(at.id()) && a.programs.contains(at.progId())) {
                send(a, attachMessage(at));
                a.attachments.add(at.id());
            }
        }
        for (Long id : List.copyOf(a.attachments)) {
            if (!wanted.contains(id)) {
                send(a, AgentWire.message(AgentWire.DETACH, (int) (long) id, 0, new long[0], new byte[0], 0));
                a.attachments.remove(id);
            }
        }
        freeGone(a, a.programs, ObjectKind.PROG, AgentWire.PROG_FREE);
        freeGone(a, a.maps, ObjectKind.MAP, AgentWire.MAP_FREE);
        freeGone(a, a.perfBuffers, ObjectKind.PERF_EVENT, AgentWire.PERF_BUFFER_FREE);
    }

    /** Tells the agent of each object it has that the service no longer has. */
    private void freeGone(AgentConnection a, java.util.Set<Integer> sent, ObjectKind kind, int type) {
        for (Integer id : List.copyOf(sent)) {
            if (objects.byId(kind, id).isEmpty()) {
                send(a, AgentWire.message(type, id, 0, new long[0], new byte[0], 0));
                sent.remove(id);
            }
        }
    }

    private List<Integer> ids(ObjectKind kind) {
        List<Integer> out = new ArrayList<>();
        long from = 1;
        OptionalInt id;
        while ((id = objects.idAtOrAfter(kind, from)).isPresent()) {
            out.add(id.getAsInt());
            from = id.getAsInt() + 1L;
        }
        return out;
    }

    private void sendProgram(AgentConnection a, BpfProgram p) {
        if (a.programs.contains(p.id()) || p.image() == null) {
            return;
        }
        for (int mapId : p.mapIds()) {
            if (objects.byId(ObjectKind.MAP, mapId).orElse(null) instanceof EmulatedMap m) {
                sendMap(a, m);
            }
        }
        ProgramImage image = p.image();
        JitImage jit = image.jit();
        if (jit == null && interpretedNoted.add(p.id())) {
            info.accept("program " + p.id() + " (" + p.name() + ") runs on the interpreter in traced processes: the JIT "
                    + "refused it: " + image.jitRefusal());
        }
        byte[] insns = image.insns();
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.writeBytes(insns);
        long codeLen = 0;
        if (jit != null) {
            byte[] code = jit.code();
            codeLen = code.length;
            payload.writeBytes(code);
            ByteBuffer r = ByteBuffer.allocate(24 * jit.relocations().size()).order(ByteOrder.nativeOrder());
            for (Relocation rel : jit.relocations()) {
                r.putInt(rel.offset()).putInt(rel.kind().ordinal()).putInt(rel.key()).putInt(0).putLong(rel.addend());
            }
            payload.writeBytes(r.array());
        }
        send(a, AgentWire.message(AgentWire.PROG, p.id(), jit == null ? 0 : jit.frames(), new long[] {p.type().number(),
                insns.length / 8, codeLen, jit == null ? 0 : jit.entryOffset(), jit == null ? 0 : jit.tailCallEntryOffset()},
                payload.toByteArray(), 0));
        a.programs.add(p.id());
    }

    private void sendMap(AgentConnection a, EmulatedMap m) {
        if (a.maps.contains(m.id())) {
            return;
        }
        BpfMap shm = m.map();
        boolean withEvent = shm.eventfd() >= 0;
        byte[] msg = AgentWire.message(AgentWire.MAP, m.id(), 0, new long[] {m.mapType()}, new byte[0], withEvent ? 2 : 1);
        if (withEvent) {
            send(a, msg, shm.memfd(), shm.eventfd());
        } else {
            send(a, msg, shm.memfd());
        }
        a.maps.add(m.id());
        for (EmulatedMap inner : m.innerMaps()) {
            sendMap(a, inner);
        }
    }

    private static byte[] attachMessage(Attachment at) {
        Hook h = at.hook();
        long[] args;
        int flags = 0;
        byte[] path = new byte[0];
        if (h instanceof Hook.SyscallTracepoint s) {
            args = new long[] {at.progId(), AgentWire.HOOK_SYSCALL_TRACEPOINT, s.nr(), 0, at.cookie()};
            flags = s.exit() ? AgentWire.F_EXIT : 0;
        } else if (h instanceof Hook.RawSyscall r) {
            args = new long[] {at.progId(), AgentWire.HOOK_RAW_SYSCALL, 0, 0, at.cookie()};
            flags = r.exit() ? AgentWire.F_EXIT : 0;
        } else {
            Hook.Uprobe u = (Hook.Uprobe) h;
            args = new long[] {at.progId(), AgentWire.HOOK_UPROBE, u.offset(), u.refCtrOffset(), at.cookie()};
            flags = u.retprobe() ? AgentWire.F_EXIT : 0;
            byte[] p = u.path().getBytes(StandardCharsets.UTF_8);
            path = java.util.Arrays.copyOf(p, p.length + 1);
        }
        return AgentWire.message(AgentWire.ATTACH, (int) at.id(), flags, args, path, 0);
    }

    private static void send(AgentConnection a, byte[] message, int... fds) {
        a.unbarriered = true;
        try {
            AgentSocket.send(a.fd, message, fds);
        } catch (LastErrorException e) {
            throw new SendFailed(e.getErrorCode());
        }
    }

    // include/uapi/asm-generic/errno-base.h, errno.h: the peer closed its end.
    private static final int EPIPE = 32;
    private static final int ECONNRESET = 104;

    /**
     * A send to one agent failed: that agent is dropped, the others go on. A process that exited before
     * its hang-up was reaped refuses with EPIPE or ECONNRESET: normal, so not a warning; any other errno
     * means an agent that is alive lost what it was sent.
     */
    private void drop(AgentConnection a, RuntimeException e, List<Integer> failed) {
        int errno = e instanceof SendFailed f ? f.errno : ((LastErrorException) e).getErrorCode();
        if (errno == EPIPE || errno == ECONNRESET) {
            info.accept(a + " has gone (errno " + errno + " on send)");
        } else {
            warn.accept(a + ": send failed (errno " + errno + "): dropping it");
        }
        agents.remove(a.fd);
        failed.add(a.fd);
    }

    private static final class SendFailed extends RuntimeException {
        final int errno;

        SendFailed(int errno) {
            super("errno " + errno, null, false, false);
            this.errno = errno;
        }
    }

    /** For tests and logs: the agents connected now. */
    public int count() {
        return agents.size();
    }
}
