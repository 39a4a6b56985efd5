package dev.bpftime.compat.service;

import dev.bpftime.compat.attr.Attr;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The messages between the shim and the service; the layouts are syscall-shim/src/main/c/shim_wire.h
 * and docs/PROTOCOL.md explains them. Host byte order: both ends run on the same machine.
 */
public final class Wire {

    public static final int MAGIC = 0x54465042;
    public static final int VERSION = 1;
    public static final int REQUEST_HEADER = 72;
    public static final int REPLY_HEADER = 32;

    public static final int KIND_HELLO = 1;
    public static final int KIND_BPF = 2;
    /** Make sure the emulated files exist: no args, no payload; result 0 or -errno. */
    public static final int KIND_FILES = 3;
    /** perf_event_open: args = {attr address, pid, cpu, group_fd, flags}; payload = the attr bytes readable. */
    public static final int KIND_PERF_OPEN = 4;
    /** ioctl on an emulated perf event fd: args = {fd, request, arg}. */
    public static final int KIND_PERF_IOCTL = 5;
    /** mmap of a map fd: args {fd, offset, length, prot, flags}; the reply carries the memfd and segments. */
    public static final int KIND_MAP_MMAP = 16;
    /** A writable mapping went away: args {object id, writable, object kind}; only maps count writers. */
    public static final int KIND_MAP_UNMAP = 17;
    /** A ring or perf buffer's memfd (args[1] 0) or eventfd (1), for the shim's epoll and poll: args {fd, which}. */
    public static final int KIND_MAP_BUFFER_FD = 18;
    /** The bpf lines of /proc/self/fdinfo/FD (info/FdInfo): args {fd, buffer, length}; result the bytes written. */
    public static final int KIND_FDINFO = 19;
    /** unlink/unlinkat/rmdir of an emulated bpffs path: args = {removedir}; payload = the path, NUL-terminated. */
    public static final int KIND_PIN_UNLINK = 20;
    /** The app closed a link or perf event fd (close, close_range, dup2/dup3 over it): reap and detach now. */
    public static final int KIND_CLOSED = 21;
    /** stat/statfs of an emulated bpffs path (pin/PinStat): payload = the path, NUL-terminated; the reply's one
     * write-back record is the 48-byte struct wire_pin_stat; PASS for a path that folds out of the mount. */
    public static final int KIND_PIN_STAT = 22;
    /** mkdir/mkdirat of an emulated bpffs path (pin/PinMkdir): args = {mode}; payload = the path, NUL-terminated. */
    public static final int KIND_PIN_MKDIR = 23;

    /** A traced process's agent says hello: no args; payload = its executable's path (for logs). From then on
     * the service pushes to it (agent/AgentWire) and it sends nothing more. */
    public static final int KIND_AGENT_HELLO = 32;

    public static final int F_PTRACER_SET = 0x1;

    public static final int STATUS_DONE = 0;
    public static final int STATUS_NEED_PTRACER = 1;
    /** KIND_PERF_OPEN only: not an event of ours; the shim makes the real syscall. */
    public static final int STATUS_PASS = 2;

    public static final int R_FD = 0x1;

    private Wire() {
    }

    /** One request: its header fields and payload (the attr bytes for KIND_BPF, the cookie for KIND_HELLO). */
    public record Request(int kind, int pid, int tid, int flags, long[] args, byte[] payload) {
    }

    /** Parses one message; throws IllegalArgumentException naming what is wrong. */
    public static Request parse(byte[] message, int length) {
        if (length < REQUEST_HEADER) {
            throw new IllegalArgumentException("request: actual " + length + " bytes vs expected at least "
                    + REQUEST_HEADER);
        }
        ByteBuffer b = ByteBuffer.wrap(message, 0, length).order(ByteOrder.nativeOrder());
        int magic = b.getInt(0);
        int version = b.getShort(4) & 0xffff;
        if (magic != MAGIC || version != VERSION) {
            throw new IllegalArgumentException(String.format("request: actual magic 0x%08x version %d vs expected "
                    + "0x%08x version %d", magic, version, MAGIC, VERSION));
        }
        int kind = b.getShort(6) & 0xffff;
        int payloadLen = b.getInt(20);
        if (payloadLen < 0 || payloadLen != length - REQUEST_HEADER) {
            throw new IllegalArgumentException("request payload_len: actual " + Integer.toUnsignedString(payloadLen)
                    + " vs expected " + (length - REQUEST_HEADER) + " (the bytes after the header)");
        }
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) {
            args[i] = b.getLong(24 + 8 * i);
        }
        byte[] payload = new byte[payloadLen];
        System.arraycopy(message, REQUEST_HEADER, payload, 0, payloadLen);
        return new Request(kind, b.getInt(8), b.getInt(12), b.getInt(16), args, payload);
    }

    /** A reply; {@code objectKind}/{@code objectId} describe the fd that rides along when {@code withFd}. */
    public static byte[] reply(int status, long result, boolean withFd, int objectKind, int objectId,
            List<Attr.Writeback> writebacks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(REPLY_HEADER).order(ByteOrder.nativeOrder());
        head.putInt(MAGIC).putShort((short) VERSION).putShort((short) status).putLong(result)
                .putInt(withFd ? R_FD : 0).putInt(objectKind).putInt(objectId).putInt(writebacks.size());
        out.writeBytes(head.array());
        for (Attr.Writeback w : writebacks) {
            ByteBuffer rec = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            rec.putInt(w.offset()).putInt(w.bytes().length);
            out.writeBytes(rec.array());
            out.writeBytes(w.bytes());
        }
        return out.toByteArray();
    }

    /**
     * One mmap segment of a KIND_MAP_MMAP reply, carried as a write-back record of 32 bytes (struct
     * wire_mmap_segment): {u64 address offset, u64 memfd offset, u64 length, u32 writable, u32 0}.
     */
    public static byte[] segment(long addressOffset, long memfdOffset, long length, boolean writable) {
        return ByteBuffer.allocate(32).order(ByteOrder.nativeOrder()).putLong(addressOffset).putLong(memfdOffset)
                .putLong(length).putInt(writable ? 1 : 0).putInt(0).array();
    }
}
