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
     * image, interpret), a[3] = entry offset, a[4] = tail-call entry offset; payload = the slots (map
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

    public static final int HOOK_SYSCALL_TRACEPOINT = 1;
    public static final int HOOK_RAW_SYSCALL = 2;
    public static final int HOOK_UPROBE = 3;

    public static final int F_EXIT = 0x1;

    private AgentWire() {
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
