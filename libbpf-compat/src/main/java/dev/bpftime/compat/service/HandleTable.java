package dev.bpftime.compat.service;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.FileView;
import dev.bpftime.compat.posix.Epoll;
import dev.bpftime.compat.posix.LibC;
import dev.bpftime.compat.posix.UnixSockets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Every object descriptor handed out, by our end's fd (for hang-ups) and by the app end's inode (to
 * resolve a descriptor number an app passes in an attr). The kept ends sit in their own epoll set,
 * which the service drains before each call, so a close() that happened before a call is seen by
 * it, as with the kernel, where the last close() releases the file before it returns.
 */
public final class HandleTable implements AutoCloseable {

    private final Map<Integer, Handle> byKeptFd = new HashMap<>();
    private final Map<Long, Handle> byInode = new HashMap<>();
    private static final int HANGUP_BATCH = 256;

    private final Epoll hangups = new Epoll(HANGUP_BATCH);
    private final ServiceLog log;

    public HandleTable(ServiceLog log) {
        this.log = log;
    }

    /** The epoll descriptor that becomes readable when some handle hangs up. */
    public int hangupFd() {
        return hangups.fd();
    }

    public int size() {
        return byKeptFd.size();
    }

    public Handle byInode(long inode) {
        return byInode.get(inode);
    }

    /**
     * A new handle for {@code object}, which must already hold the reference for it. Returns the handle
     * and the app's end, to pass and then close; on failure the reference is released.
     */
    public Created create(BpfObject object) throws IOException {
        return create(object, null);
    }

    /** As {@link #create(BpfObject)}, the file carrying {@code view}; on failure the view is closed too. */
    public Created create(BpfObject object, FileView view) throws IOException {
        int[] pair;
        try {
            pair = UnixSockets.seqpacketPair();
        } catch (com.sun.jna.LastErrorException e) {
            closeView(view);
            object.release();
            throw new IOException("socketpair for " + object + ": errno " + e.getErrorCode(), e);
        }
        long inode;
        try {
            inode = socketInode(pair[1]);
            hangups.add(pair[0], LibC.EPOLLIN | LibC.EPOLLRDHUP, pair[0]);
        } catch (IOException | RuntimeException e) {
            LibC.closeQuietly(pair[0]);
            LibC.closeQuietly(pair[1]);
            closeView(view);
            object.release();
            throw e instanceof IOException io ? io : new IOException(e);
        }
        Handle h = new Handle(pair[0], inode, object, view);
        byKeptFd.put(pair[0], h);
        byInode.put(inode, h);
        return new Created(h, pair[1]);
    }

    /** A new handle and the app end to send. */
    public record Created(Handle handle, int appFd) {
    }

    /** Drops every handle whose app side is gone; returns how many. */
    public int reapHangups() {
        int n = 0;
        Epoll.Event[] batch;
        do {
            batch = hangups.await(0);
            n += reap(batch);
        } while (batch.length == HANGUP_BATCH);
        return n;
    }

    private int reap(Epoll.Event[] batch) {
        int n = 0;
        for (Epoll.Event e : batch) {
            Handle h = byKeptFd.get((int) e.data());
            if (h == null) {
                continue;
            }
            if ((e.events() & (LibC.EPOLLHUP | LibC.EPOLLRDHUP | LibC.EPOLLERR)) != 0) {
                drop(h);
                n++;
            } else {
                drain(h);
            }
        }
        return n;
    }

    /** An app wrote to its object fd (a kernel bpf fd's write is EINVAL); what it wrote is discarded. */
    private void drain(Handle h) {
        try (com.sun.jna.Memory sink = new com.sun.jna.Memory(4096)) {
            while (UnixSockets.receive(h.keptFd(), sink) > 0) {
                // discard
            }
        } catch (com.sun.jna.LastErrorException e) {
            drop(h);
        }
    }

    private void drop(Handle h) {
        hangups.remove(h.keptFd());
        LibC.closeQuietly(h.keptFd());
        byKeptFd.remove(h.keptFd());
        byInode.remove(h.appInode());
        BpfObject o = h.object();
        closeView(h.view());
        o.release();
        if (!o.alive()) {
            log.debug("freed " + o.kind().name().toLowerCase(java.util.Locale.ROOT) + " (last reference closed)");
        }
    }

    private static void closeView(FileView view) {
        if (view != null) {
            view.close();
        }
    }

    /** The inode of a socket of ours, as /proc shows it ("socket:[12345]"). */
    static long socketInode(int fd) throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        return parseSocketInode(link);
    }

    /** The inode in "socket:[N]", or -1 for any other link text. */
    static long parseSocketInode(String link) {
        if (link.startsWith("socket:[") && link.endsWith("]")) {
            try {
                return Long.parseLong(link.substring(8, link.length() - 1));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        for (Handle h : byKeptFd.values()) {
            LibC.closeQuietly(h.keptFd());
        }
        byKeptFd.clear();
        byInode.clear();
        hangups.close();
    }
}
