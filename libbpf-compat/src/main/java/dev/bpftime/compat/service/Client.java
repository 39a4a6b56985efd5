package dev.bpftime.compat.service;

import dev.bpftime.compat.posix.UnixSockets;

/** One connected shim: a process (SO_PEERCRED at connect) and whether it has passed its hello. */
final class Client {

    final int fd;
    final UnixSockets.PeerCred peer;
    final ProcessCaller caller;
    boolean greeted;

    Client(int fd, UnixSockets.PeerCred peer, HandleTable handles) {
        this.fd = fd;
        this.peer = peer;
        this.caller = new ProcessCaller(peer.pid(), peer.uid(), handles);
    }
}
