package dev.bpftime.compat.service;

import dev.bpftime.compat.posix.UnixSockets;
import java.util.concurrent.locks.ReentrantLock;

/** One connected shim: a process (SO_PEERCRED at connect) and whether it has passed its hello. */
final class Client {

    final int fd;
    final UnixSockets.PeerCred peer;
    final ProcessCaller caller;
    /** Written and read only by the worker serving this client, under the service lock. */
    boolean greeted;

    Client(int fd, UnixSockets.PeerCred peer, HandleTable handles, ReentrantLock serviceLock) {
        this.fd = fd;
        this.peer = peer;
        this.caller = new ProcessCaller(peer.pid(), peer.uid(), handles, serviceLock);
    }
}
