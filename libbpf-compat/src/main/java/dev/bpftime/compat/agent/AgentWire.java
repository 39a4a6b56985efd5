package dev.bpftime.compat.agent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The messages the service pushes to an agent (docs/PROTOCOL.md, "Agents"); the C side is
 * agent/src/main/c/control/agent_wire.h. A 64-byte header, then {@code payload_len} bytes; the
 * descriptors of a MAP or PERF_BUFFER message ride along with SCM_RIGHTS.
 *
 * <pre>
 *  0 u32 magic "BPFA"   4 u16 version   6 u16 type   8 u32 id   12 u32 flags
 * 16 u64 a[5]          56 u32 payload_len          60 u32 nfds
 * </pre>
 */
public final class AgentWire {

    public static final int MAGIC = 0x41465042;
    public static final int VERSION = 1;
    public static final int HEADER = 64;

    /** A map: id = map id, a[0] = map type; fds = memfd [, eventfd]. */
    public static final int MAP = 1;
    /** A BPF output event's perf buffer: id = the event's id (what PERF_EVENT_ARRAY slots hold), a[0] = cpu; fds = memfd, eventfd. */
    public static final int PERF_BUFFER = 2;
    /**
     * A program: id = prog id, a[0] = prog type, a[1] = instruction slots, a[2] = JIT code bytes (0: no
     * image, interpret), a[3] = entry offset, a[4] = tail-call entry offset; flags = the stack frames the image
     * needs (a tail call to it from a caller with fewer left falls through); payload = the slots (map
     * references as map ids), the code, then 24-byte relocations {u32 offset, u32 kind, s32 key, u32 0, s64 addend}.
     */
    public static final int PROG = 3;
    /**
     * An attachment: id = attachment id, a[0] = prog id, a[1] = hook kind, a[2] = syscall number or file
     * offset, a[3] = ref_ctr offset (USDT semaphore, 0 none), a[4] = cookie; flags bit 0 = exit/retprobe;
     * payload = the uprobe's file path, NUL-terminated.
     */
    public static final int ATTACH = 4;
    /** id = the attachment to remove. */
    public static final int DETACH = 5;
    /** Everything that existed at connect time has been sent: an attachment the agent holds and was not told of is gone. */
    public static final int SYNCED = 6;
    /** id = a program the service freed (after the DETACHes of its attachments): the agent frees it. */
    public static final int PROG_FREE = 7;
    /** id = a map the service freed (after the programs that used it). */
    public static final int MAP_FREE = 8;
    /** id = a perf buffer whose event the service freed. */
    public static final int PERF_BUFFER_FREE = 9;
    /**
     * Service to agent, last of a batch: id = a sequence number; the agent answers {@link #ACK} with it
     * once it applied everything before (attachments installed or failed), so that the loader's call
     * that caused the batch is answered only then, as the kernel's attach is in force on return.
     */
    public static final int BARRIER = 10;
    /** Agent to service, the only message an agent sends after its hello: id = the BARRIER's sequence number. */
    public static final int ACK = 11;
    /**
     * The payload of the next message, in a memfd (fds = the memfd; a[0] = its length), for a message whose
     * payload is larger than {@link #INLINE_PAYLOAD_MAX}: a SOCK_SEQPACKET message must fit in the socket's
     * send buffer (net.core.wmem_max, 208 KiB by default), a program's image may not. The next message has
     * payload_len 0 and takes this payload.
     */
    public static final int PAYLOAD = 12;
    /** Larger payloads go in a memfd ({@link #PAYLOAD}). */
    public static final int INLINE_PAYLOAD_MAX = 64 * 1024;

    public static final int HOOK_SYSCALL_TRACEPOINT = 1;
    public static final int HOOK_RAW_SYSCALL = 2;
    public static final int HOOK_UPROBE = 3;

    public static final int F_EXIT = 0x1;

    private AgentWire() {
    }

    /** The sequence number of an agent's ACK, or -1 when {@code m} is not a well-formed ACK. */
    public static long ackSequence(byte[] m, int n) {
        if (n != HEADER) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(m, 0, n).order(ByteOrder.nativeOrder());
        if (b.getInt(0) != MAGIC || b.getShort(4) != VERSION || b.getShort(6) != ACK) {
            return -1;
        }
        return Integer.toUnsignedLong(b.getInt(8));
    }

    /** One message with its payload. */
    public static byte[] message(int type, int id, int flags, long[] a, byte[] payload, int nfds) {
        if (a.length > 5) {
            throw new IllegalArgumentException("agent message args: actual " + a.length + " vs expected at most 5");
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.nativeOrder());
        b.putInt(MAGIC).putShort((short) VERSION).putShort((short) type).putInt(id).putInt(flags);
        for (int i = 0; i < 5; i++) {
            b.putLong(i < a.length ? a[i] : 0);
        }
        b.putInt(payload.length).putInt(nfds);
        b.put(payload);
        return b.array();
    }
}
