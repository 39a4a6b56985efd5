package dev.bpftime.compat.service;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.bpftime.compat.agent.AgentHub;
import dev.bpftime.compat.link.AttachRegistry;
import dev.bpftime.compat.link.InMemoryAttachRegistry;
import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.btf.BtfObject;
import dev.bpftime.compat.tracefs.VmlinuxBtf;
import dev.bpftime.compat.maps.InnerMapPublisher;
import dev.bpftime.compat.maps.MapMemory;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.pin.BpfFs;
import dev.bpftime.compat.pin.ObjPinCommand;
import dev.bpftime.compat.pin.PinMkdir;
import dev.bpftime.compat.pin.PinStat;
import dev.bpftime.compat.pin.PinUnlink;
import dev.bpftime.compat.posix.Epoll;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.posix.LibC;
import dev.bpftime.compat.posix.ProcessMemory;
import dev.bpftime.compat.posix.UnixSockets;
import dev.bpftime.compat.syscall.Dispatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import dev.bpftime.maps.MmapSegment;

/**
 * The service's event loop and its client threads. One thread waits on the listening socket and the
 * handles' hang-ups; each connected client has a thread of its own that waits for its next request
 * (so its calls stay in order, and a request wakes the thread that answers it, with no hand-over).
 * Every request runs under one lock,
 * {@link #lock}, that guards the object table, the handles, the pins and the attach registry, so the
 * commands themselves need no locking; a long BPF_PROG_TEST_RUN gives the lock up while its program
 * runs ({@link ProcessCaller#unlocked}), so that it does not block the other clients.
 */
public final class Service implements AutoCloseable {

    private static final long LISTEN_TOKEN = -1;
    private static final long HANGUP_TOKEN = -2;

    private final int listenFd;
    private final int euid;
    private final ServiceLog log;
    private final ObjectTable objects = new ObjectTable();
    /** Objects the kernel has from boot (vmlinux's BTF): they keep no service alive. */
    private final int kernelObjects;
    private final BpfFs bpffs = new BpfFs();
    private final HandleTable handles;
    private final Dispatcher dispatcher;
    private final Map<Integer, Client> clients = new ConcurrentHashMap<>();
    /** How long a client's thread looks for the next request without sleeping after an answer. */
    private static final long REQUEST_SPIN_NS = 50_000;

    private final Epoll epoll = new Epoll(64);
    /** Guards all object state: taken for each request, each accept and each hang-up reaping. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when an agent acknowledged a batch (agent/AgentHub#awaitAcknowledged). */
    private final java.util.concurrent.locks.Condition agentsAcked = lock.newCondition();
    private final AtomicInteger workerCount = new AtomicInteger();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bpftime-client-" + workerCount.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final ThreadLocal<Memory> inboxes =
            ThreadLocal.withInitial(() -> new Memory(Wire.REQUEST_HEADER + 65536 + 64));
    private final int pageSize = (int) LibC.sysconf(LibC.SC_PAGESIZE);
    private final long idleExitMs;
    private volatile boolean stopping;
    private final PerfRequests perf;
    private final AgentHub agents;

    /** @param idleExitMs stop after this long without clients or objects; 0 never */
    public Service(Path socket, ServiceLog log, long idleExitMs) {
        this.log = log;
        this.euid = LibC.geteuid();
        this.idleExitMs = idleExitMs;
        this.handles = new HandleTable(log);
        this.kernelObjects = registerVmlinuxBtf(objects);
        AttachRegistry attachments = new InMemoryAttachRegistry();
        this.agents = new AgentHub(objects, attachments, log::info, log::warn);
        // A map put into a slot reaches the agents, acknowledged, before the slot names it.
        InnerMapPublisher innerMaps = (outer, inner) -> dropAgents(agents.placeInner(outer, inner, agentsAcked));
        this.dispatcher = BpfCommands.create(objects, attachments, bpffs, innerMaps,
                log.debugEnabled() ? log::debug : null, log::bug);
        this.perf = new PerfRequests(objects, attachments, socket.toAbsolutePath().getParent(), log);
        bpffs.mirrorInto(socket.toAbsolutePath().getParent().resolve("bpffs"));
        this.listenFd = UnixSockets.listen(socket);
        epoll.add(listenFd, LibC.EPOLLIN, LISTEN_TOKEN);
        epoll.add(handles.hangupFd(), LibC.EPOLLIN, HANGUP_TOKEN);
    }

    /**
     * The vmlinux BTF as BTF object 1, registered before any BTF_LOAD as the kernel registers it at boot
     * (kernel/bpf/btf.c btf_parse_vmlinux, then btf_alloc_id): bpftrace finds the kernel's types by
     * walking BTF ids for the one named "vmlinux". Returns how many objects that registered.
     */
    private static int registerVmlinuxBtf(ObjectTable objects) {
        Optional<Path> blob = VmlinuxBtf.blob(VmlinuxBtf.HOST, System.getenv(VmlinuxBtf.ENV));
        if (blob.isEmpty()) {
            return 0;
        }
        Path file = blob.get();
        objects.register(BtfObject.kernel("vmlinux", () -> {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the vmlinux BTF " + file, e);
            }
        }));
        return 1;
    }

    public void stop() {
        stopping = true;
    }

    /** Serves until stopped or idle for the idle time. */
    public void run() {
        long idleSince = System.currentTimeMillis();
        while (!stopping) {
            int timeout = idleExitMs > 0 ? 1000 : -1;
            for (Epoll.Event e : epoll.await(timeout)) {
                lock.lock();
                try {
                    handle(e);
                } catch (RuntimeException bug) {
                    // Whatever it was, one event must not stop the service of every other client.
                    log.bug("event " + e, bug);
                } finally {
                    lock.unlock();
                }
            }
            boolean busy;
            lock.lock();
            try {
                // Agents alone keep no service alive: they wait for the next one.
                busy = clients.size() > agents.count() || handles.size() > 0 || objects.count() > kernelObjects;
            } finally {
                lock.unlock();
            }
            if (busy) {
                idleSince = System.currentTimeMillis();
            } else if (idleExitMs > 0 && System.currentTimeMillis() - idleSince >= idleExitMs) {
                log.info("idle for " + idleExitMs / 1000 + " s with no clients and no objects: stopping");
                return;
            }
        }
    }

    private void handle(Epoll.Event e) {
        if (e.data() == LISTEN_TOKEN) {
            acceptAll();
        } else if (e.data() == HANGUP_TOKEN) {
            handles.reapHangups();
            syncAgents();
        }
    }

    /** A client's thread: waits for each request of its client and answers it, until the client goes. */
    private void clientLoop(Client c) {
        // Two pollfds: the client's socket and the handles' hang-up epoll. Its readiness, seen in the
        // same scan as the request, says whether a close() before this call awaits reaping, which
        // spares an epoll_wait per request (the hang-ups are only taken out under the lock).
        Memory pollfd = new Memory(16);
        long spinUntil = 0;
        while (clients.get(c.fd) == c && !stopping) {
            pollfd.setInt(0, c.fd);
            pollfd.setShort(4, (short) (LibC.EPOLLIN | LibC.EPOLLRDHUP));
            pollfd.setShort(6, (short) 0);
            pollfd.setInt(8, handles.hangupFd());
            pollfd.setShort(12, (short) LibC.EPOLLIN);
            pollfd.setShort(14, (short) 0);
            int ready;
            // Right after an answer the client's next request is likely microseconds away (a tool
            // walking a map): look for it without sleeping, since waking a sleeping thread costs tens of
            // microseconds on a virtual machine whose CPUs idle (the shim spins for its reply likewise).
            int timeout = System.nanoTime() - spinUntil < 0 ? 0 : 1000;
            try {
                // A bounded wait, so that a client close() disconnected is noticed.
                ready = LibC.poll(pollfd, 2, timeout);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Errno.EINTR) {
                    continue;
                }
                ready = -1;
            }
            if (ready < 0) {
                locked(() -> disconnect(c));
                return;
            }
            if (ready == 0) {
                if (timeout == 0) {
                    Thread.onSpinWait();
                }
                continue;
            }
            boolean hangups = pollfd.getShort(14) != 0;
            if (pollfd.getShort(6) == 0) {
                // Only a hang-up: reap it here, or this poll would return at once until someone does.
                locked(() -> {
                    handles.reapHangups();
                    syncAgents();
                });
                continue;
            }
            try {
                serve(c, pollfd.getShort(6), hangups);
                spinUntil = System.nanoTime() + REQUEST_SPIN_NS;
            } catch (RuntimeException bug) {
                // Whatever it was, one request must not stop the service of every other client.
                log.bug("request of pid " + c.peer.pid(), bug);
                locked(() -> disconnect(c));
                return;
            }
        }
    }

    private void locked(Runnable r) {
        lock.lock();
        try {
            r.run();
        } finally {
            lock.unlock();
        }
    }

    private void acceptAll() {
        int fd;
        while ((fd = UnixSockets.accept(listenFd)) >= 0) {
            UnixSockets.PeerCred peer;
            try {
                peer = UnixSockets.peer(fd);
            } catch (LastErrorException e) {
                LibC.closeQuietly(fd);
                continue;
            }
            if (peer.uid() != euid) {
                // The directory is 0700, so this takes a privileged peer or a bug; refuse either way.
                log.warn("refused a connection from pid " + peer.pid() + " uid " + peer.uid() + ": not uid " + euid);
                LibC.closeQuietly(fd);
                continue;
            }
            Client c = new Client(fd, peer, handles, lock);
            clients.put(fd, c);
            workers.execute(() -> clientLoop(c));
            log.debug("client pid " + peer.pid() + " connected");
        }
    }

    /**
     * Receives one request of the client (its socket is this worker's alone) and answers it under the
     * lock; returns whether there was one.
     */
    private boolean serve(Client c, int events, boolean hangups) {
        int n;
        Memory inbox = inboxes.get();
        try {
            n = UnixSockets.receive(c.fd, inbox);
        } catch (LastErrorException e) {
            n = 0;
        }
        if (n < 0) {
            if ((events & (LibC.EPOLLHUP | LibC.EPOLLRDHUP | LibC.EPOLLERR)) != 0) {
                locked(() -> disconnect(c));
            }
            return false;
        }
        if (n == 0) {
            locked(() -> disconnect(c));
            return false;
        }
        byte[] message = new byte[n];
        inbox.read(0, message, 0, n);
        lock.lock();
        try {
            answer(c, message, n, hangups);
        } finally {
            lock.unlock();
        }
        return true;
    }

    private void answer(Client c, byte[] message, int n, boolean hangups) {
        if (agents.isAgent(c.fd)) {
            if (!agents.received(c.fd, message, n, agentsAcked)) {
                log.warn("agent pid " + c.peer.pid() + " sent a message that is no ACK after its hello: dropping it");
                disconnect(c);
            }
            return;
        }
        Wire.Request request;
        try {
            request = Wire.parse(message, n);
        } catch (IllegalArgumentException e) {
            log.warn("pid " + c.peer.pid() + " sent a bad request: " + e.getMessage());
            disconnect(c);
            return;
        }
        // Close()s the app did before this call must count: kernel-like fd lifetime. They were queued
        // before the request arrived, so the poll that saw the request saw them too.
        if (hangups) {
            handles.reapHangups();
        }
        switch (request.kind()) {
            case Wire.KIND_HELLO -> hello(c, request);
            case Wire.KIND_BPF -> bpf(c, request);
            case Wire.KIND_FILES, Wire.KIND_PERF_OPEN, Wire.KIND_PERF_IOCTL -> perfOrFiles(c, request);
            case Wire.KIND_MAP_MMAP, Wire.KIND_MAP_UNMAP, Wire.KIND_MAP_BUFFER_FD -> mapMemory(c, request);
            case Wire.KIND_FDINFO -> fdInfo(c, request);
            case Wire.KIND_AGENT_HELLO -> agentHello(c, request);
            case Wire.KIND_PIN_UNLINK -> pinUnlink(c, request);
            case Wire.KIND_CLOSED -> closed(c);
            case Wire.KIND_PIN_STAT -> pinStat(c, request);
            case Wire.KIND_PIN_MKDIR -> pinMkdir(c, request);
            default -> {
                log.warn("pid " + c.peer.pid() + " sent request kind " + request.kind() + ": unknown");
                disconnect(c);
            }
        }
        syncAgents();
    }

    /**
     * The app closed one of its link or perf event descriptors. Its hang-up was queued before the
     * request (the kernel releases a file before close() returns), so reaping now drops the handle and,
     * when it was the last, detaches; the reply, like every reply, waits until the agents applied it.
     */
    private void closed(Client c) {
        handles.reapHangups();
        send(c, Wire.reply(Wire.STATUS_DONE, 0, false, 0, 0, List.of()), -1);
    }

    /** stat()/statfs() of an emulated bpffs path (pin/PinStat); the path is the payload, NUL-terminated. */
    private void pinStat(Client c, Wire.Request request) {
        String path = bpffsPath(c, request);
        if (path == null) {
            return;
        }
        PinStat.Answer a = PinStat.of(bpffs, path);
        if (a.foreign()) {
            send(c, Wire.reply(Wire.STATUS_PASS, 0, false, 0, 0, List.of()), -1);
        } else if (a.errno() != 0) {
            send(c, Wire.reply(Wire.STATUS_DONE, -a.errno(), false, 0, 0, List.of()), -1);
        } else {
            send(c, Wire.reply(Wire.STATUS_DONE, 0, false, 0, 0,
                    List.of(new Attr.Writeback(0, a.attributes().orElseThrow()))), -1);
        }
    }

    /** mkdir() of an emulated bpffs path (pin/PinMkdir) with the caller's umask; the path is the payload. */
    private void pinMkdir(Client c, Wire.Request request) {
        String path = bpffsPath(c, request);
        if (path != null) {
            long result = PinMkdir.make(bpffs, path, (int) request.args()[0], ObjPinCommand.umaskOf(c.peer.pid()));
            send(c, Wire.reply(Wire.STATUS_DONE, result, false, 0, 0, List.of()), -1);
        }
    }

    /** unlink()/rmdir() of an emulated bpffs path (pin/PinUnlink); the path is the payload, NUL-terminated. */
    private void pinUnlink(Client c, Wire.Request request) {
        String path = bpffsPath(c, request);
        if (path != null) {
            long result = PinUnlink.remove(bpffs, path, request.args()[0] != 0);
            send(c, Wire.reply(Wire.STATUS_DONE, result, false, 0, 0, List.of()), -1);
        }
    }

    /**
     * The NUL-terminated bpffs path a pin request carries as its payload; null when the request was
     * already answered: EPERM before the hello, ENAMETOOLONG for a payload with no NUL.
     */
    private String bpffsPath(Client c, Wire.Request request) {
        byte[] p = request.payload();
        int end = 0;
        while (end < p.length && p[end] != 0) {
            end++;
        }
        long refusal = !c.greeted ? -Errno.EPERM : end == p.length ? -PinUnlink.ENAMETOOLONG : 0;
        if (refusal != 0) {
            send(c, Wire.reply(Wire.STATUS_DONE, refusal, false, 0, 0, List.of()), -1);
            return null;
        }
        return new String(p, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A traced process's agent (agent/AgentHub): answered, then sent what it must run. */
    private void agentHello(Client c, Wire.Request request) {
        String exe = new String(request.payload(), java.nio.charset.StandardCharsets.UTF_8).replace("\0", "");
        send(c, Wire.reply(Wire.STATUS_DONE, 0, false, 0, 0, List.of()), -1);
        if (clients.containsKey(c.fd) && !agents.connected(c.fd, c.peer.pid(), exe)) {
            disconnect(c);
        }
    }

    /** Pushes what changed to the agents; one that cannot take it is dropped. */
    private void syncAgents() {
        dropAgents(agents.sync());
    }

    /** Disconnects the agents the hub could not send to. */
    private void dropAgents(List<Integer> fds) {
        for (int fd : fds) {
            Client c = clients.get(fd);
            if (c != null) {
                disconnect(c);
            }
        }
    }

    /**
     * Proves process_vm_readv works on the client before any command can have side effects: it sent
     * the address of a cookie and the cookie itself. Under Yama ptrace_scope 1 the read fails with
     * EPERM until the client declares us its ptracer, which the reply asks for once.
     */
    private void hello(Client c, Wire.Request request) {
        int length = (int) Math.min(Math.max(request.args()[1], 0), 64);
        byte[] seen = new byte[length];
        int status = Wire.STATUS_DONE;
        long result = 0;
        try {
            int n = ProcessMemory.read(c.peer.pid(), request.args()[0], seen, 0, length);
            if (n != length || length != request.payload().length || !Arrays.equals(seen, request.payload())) {
                log.warn("pid " + c.peer.pid() + ": its memory does not hold the cookie it sent (another pid "
                        + "namespace, or not the connecting process)");
                result = -Errno.EPERM;
            } else {
                c.greeted = true;
            }
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EPERM && (request.flags() & Wire.F_PTRACER_SET) == 0) {
                status = Wire.STATUS_NEED_PTRACER;
            } else {
                log.warn("cannot read the memory of pid " + c.peer.pid() + " (errno " + e.getErrorCode()
                        + "): its bpf() calls fail with EPERM; is ptrace restricted (Yama ptrace_scope 2 or 3)?");
                result = -Errno.EPERM;
            }
        }
        send(c, Wire.reply(status, result, false, 0, 0, List.of()), -1);
    }

    private void bpf(Client c, Wire.Request request) {
        if (!c.greeted) {
            log.warn("pid " + c.peer.pid() + " called bpf() before hello");
            send(c, Wire.reply(Wire.STATUS_DONE, -Errno.EPERM, false, 0, 0, List.of()), -1);
            return;
        }
        int cmd = (int) request.args()[0];
        long size = request.args()[2] & 0xffffffffL;
        byte[] attr = request.payload();
        Dispatcher.Result r;
        r = dispatcher.dispatch(cmd, size, attr, pageSize, c.caller);
        if (r.newFdFor() == null) {
            send(c, Wire.reply(Wire.STATUS_DONE, r.value(), false, 0, 0, r.writebacks()), -1);
            return;
        }
        HandleTable.Created created;
        try {
            created = handles.create(r.newFdFor(), r.view());
        } catch (IOException e) {
            log.warn("cannot make a descriptor for pid " + c.peer.pid() + ": " + e.getMessage());
            send(c, Wire.reply(Wire.STATUS_DONE, -Errno.EMFILE, false, 0, 0, r.writebacks()), -1);
            return;
        }
        Handle h = created.handle();
        send(c, Wire.reply(Wire.STATUS_DONE, 0, true, h.object().kind().wireCode(), h.object().id(),
                r.writebacks()), created.appFd());
        // In flight or delivered, the app's end lives on without our copy; if the client is gone, the
        // kernel drops it with the message and the handle hangs up by itself.
        LibC.closeQuietly(created.appFd());
    }

    /** perf_event_open, its ioctls and the emulated files (PerfRequests). */
    private void perfOrFiles(Client c, Wire.Request request) {
        if (!c.greeted) {
            log.warn("pid " + c.peer.pid() + " sent request kind " + request.kind() + " before hello");
            send(c, Wire.reply(Wire.STATUS_DONE, -Errno.EPERM, false, 0, 0, List.of()), -1);
            return;
        }
        PerfRequests.Answer a = perf.answer(request, c.caller);
        if (a.newFdFor() == null) {
            send(c, Wire.reply(a.status(), a.value(), false, 0, 0, a.writebacks()), -1);
            return;
        }
        HandleTable.Created created;
        try {
            created = handles.create(a.newFdFor());
        } catch (IOException e) {
            log.warn("cannot make a descriptor for pid " + c.peer.pid() + ": " + e.getMessage());
            send(c, Wire.reply(Wire.STATUS_DONE, -Errno.EMFILE, false, 0, 0, List.of()), -1);
            return;
        }
        Handle h = created.handle();
        send(c, Wire.reply(Wire.STATUS_DONE, 0, true, h.object().kind().wireCode(), h.object().id(), List.of()),
                created.appFd());
        LibC.closeQuietly(created.appFd());
    }

    /** The shim's requests about a map's memory (compat/maps/MapMemory): answered with a descriptor to map or wait on. */
    private void mapMemory(Client c, Wire.Request request) {
        if (!c.greeted) {
            send(c, Wire.reply(Wire.STATUS_DONE, -Errno.EPERM, false, 0, 0, List.of()), -1);
            return;
        }
        long[] a = request.args();
        MapMemory.Answer answer;
        if (request.kind() == Wire.KIND_MAP_UNMAP) {
            if (a[2] == ObjectKind.MAP.wireCode()) {
                MapMemory.unmapped(objects, (int) a[0], a[1] != 0);
            }
            answer = new MapMemory.Answer(0, -1, List.of(), "");
        } else if (request.kind() == Wire.KIND_MAP_MMAP) {
            answer = MapMemory.mmap(c.caller, (int) a[0], a[1], a[2], a[3], a[4]);
        } else {
            answer = MapMemory.bufferFd(c.caller, (int) a[0], (int) a[1]);
        }
        if (answer.result() < 0) {
            log.debug("pid " + c.peer.pid() + " map memory request " + request.kind() + ": " + answer.reason());
        }
        List<Attr.Writeback> segments = new ArrayList<>();
        for (MmapSegment s : answer.segments()) {
            segments.add(new Attr.Writeback(0, Wire.segment(s.addressOffset(), s.memfdOffset(), s.length(),
                    s.writable())));
        }
        boolean withFd = answer.result() == 0 && answer.fd() >= 0;
        send(c, Wire.reply(Wire.STATUS_DONE, answer.result(), withFd, 0, 0, segments), withFd ? answer.fd() : -1);
    }

    /** /proc/self/fdinfo/FD of one of our descriptors (info/FdInfo), written into the caller's buffer. */
    private void fdInfo(Client c, Wire.Request request) {
        long result;
        if (!c.greeted) {
            result = -Errno.EPERM;
        } else {
            long[] a = request.args();
            try {
                byte[] text = dev.bpftime.compat.info.FdInfo.of(c.caller, (int) a[0])
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                int n = (int) Math.min(text.length, Math.max(0, a[2]));
                c.caller.write(a[1], text, 0, n);
                result = n;
            } catch (dev.bpftime.compat.syscall.BpfException e) {
                result = -e.errno();
            }
        }
        send(c, Wire.reply(Wire.STATUS_DONE, result, false, 0, 0, List.of()), -1);
    }

    private void send(Client c, byte[] reply, int fd) {
        if (!agents.isAgent(c.fd)) {
            // What this call changed is in force in every traced process before it returns, as the
            // kernel's attach and detach are (docs/PROTOCOL.md, "Agents").
            syncAgents();
            agents.awaitAcknowledged(agentsAcked);
        }
        try {
            UnixSockets.send(c.fd, reply, fd);
        } catch (LastErrorException e) {
            log.debug("reply to pid " + c.peer.pid() + " failed (errno " + e.getErrorCode() + "): dropping it");
            disconnect(c);
        }
    }

    private void disconnect(Client c) {
        if (clients.remove(c.fd) != null) {
            agents.disconnected(c.fd);
            LibC.closeQuietly(c.fd);
            log.debug("client pid " + c.peer.pid() + " disconnected; objects " + objects.count() + ", handles "
                    + handles.size());
        }
    }

    /** Live objects, for tests and the idle rule. */
    public int objectCount() {
        lock.lock();
        try {
            return objects.count();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        workers.shutdown();
        lock.lock();
        try {
            for (Client c : List.copyOf(clients.values())) {
                disconnect(c);
            }
            handles.close();
            epoll.close();
            LibC.closeQuietly(listenFd);
        } finally {
            lock.unlock();
        }
    }
}
