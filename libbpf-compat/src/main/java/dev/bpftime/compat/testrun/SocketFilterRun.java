package dev.bpftime.compat.testrun;

import static dev.bpftime.compat.attr.TestRunAttr.BATCH_SIZE;
import static dev.bpftime.compat.attr.TestRunAttr.CPU;
import static dev.bpftime.compat.attr.TestRunAttr.CTX_IN;
import static dev.bpftime.compat.attr.TestRunAttr.CTX_OUT;
import static dev.bpftime.compat.attr.TestRunAttr.CTX_SIZE_IN;
import static dev.bpftime.compat.attr.TestRunAttr.CTX_SIZE_OUT;
import static dev.bpftime.compat.attr.TestRunAttr.DATA_IN;
import static dev.bpftime.compat.attr.TestRunAttr.DATA_OUT;
import static dev.bpftime.compat.attr.TestRunAttr.DATA_SIZE_IN;
import static dev.bpftime.compat.attr.TestRunAttr.DATA_SIZE_OUT;
import static dev.bpftime.compat.attr.TestRunAttr.DURATION;
import static dev.bpftime.compat.attr.TestRunAttr.FLAGS;
import static dev.bpftime.compat.attr.TestRunAttr.REPEAT;
import static dev.bpftime.compat.attr.TestRunAttr.RETVAL;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.syscall.AttrRules;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.Outcome;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * bpf_prog_test_run_skb (net/bpf/test_run.c) for a socket filter: flags only
 * BPF_F_TEST_SKB_CHECKSUM_COMPLETE, no cpu or batch_size (EINVAL); the packet from data_in, ETH_HLEN up to
 * a page less the skb's head and tail room (bpf_test_init, EINVAL, EFAULT); ctx_in is a struct
 * __sk_buff of which only the fields convert___skb_to_skb takes may be non-zero (EINVAL; a longer ctx
 * with a non-zero tail is E2BIG); repeat runs; then bpf_test_finish (data_out clamped to a non-zero
 * data_size_out with ENOSPC, data_size_out, retval, duration) and bpf_ctx_finish (ctx_out clamped to
 * ctx_size_out with ENOSPC).
 *
 * <p>The context the program sees is a struct __sk_buff with len (the packet less its Ethernet header,
 * which eth_type_trans pulled), protocol (the frame's EtherType as stored, big-endian), ifindex 1 (the
 * loopback device the kernel uses) and the ctx_in fields.
 */
final class SocketFilterRun {

    static final int ETH_HLEN = 14;
    static final int SK_BUFF_SIZE = 192;
    /** PAGE_SIZE - (NET_SKB_PAD + NET_IP_ALIGN) - SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86-64. */
    static final int MAX_PACKET = 4096 - 64 - 320;
    static final int BPF_F_TEST_SKB_CHECKSUM_COMPLETE = 1 << 2;
    /** struct __sk_buff offsets (include/uapi/linux/bpf.h). */
    static final int LEN = 0;
    static final int PROTOCOL = 16;
    static final int IFINDEX = 40;
    static final int WIRE_LEN = 160;
    /** The byte ranges convert___skb_to_skb accepts: mark, priority, ingress_ifindex, ifindex, cb, tstamp,
     * wire_len, gso_segs, gso_size, hwtstamp. */
    private static final int[][] SETTABLE = {{8, 12}, {32, 44}, {48, 68}, {152, 168}, {176, 180}, {184, 192}};

    private SocketFilterRun() {
    }

    static Outcome run(BpfProgram program, Attr attr, Caller caller, ProgramEngine engine) throws BpfException {
        int flags = attr.u32(FLAGS);
        if ((flags & ~BPF_F_TEST_SKB_CHECKSUM_COMPLETE) != 0 || attr.u32(CPU) != 0 || attr.u32(BATCH_SIZE) != 0) {
            throw new BpfException(Errno.EINVAL, String.format("skb test run: flags 0x%x, cpu %d, batch_size %d",
                    flags, attr.u32(CPU), attr.u32(BATCH_SIZE)));
        }
        long size = Integer.toUnsignedLong(attr.u32(DATA_SIZE_IN));
        if (size < ETH_HLEN || size > MAX_PACKET) {
            throw new BpfException(Errno.EINVAL, "test.data_size_in: actual " + size + " vs expected " + ETH_HLEN + ".."
                    + MAX_PACKET);
        }
        byte[] packet = caller.read(attr.u64(DATA_IN), (int) size, "test.data_in");
        boolean hasCtx = attr.u64(CTX_IN) != 0 || attr.u64(CTX_OUT) != 0;
        byte[] ctx = new byte[SK_BUFF_SIZE];
        if (attr.u64(CTX_IN) != 0) {
            long ctxSize = Integer.toUnsignedLong(attr.u32(CTX_SIZE_IN));
            AttrRules.checkTailZero(caller, attr.u64(CTX_IN), SK_BUFF_SIZE, ctxSize, "test.ctx_in");
            byte[] in = caller.read(attr.u64(CTX_IN), (int) Math.min(ctxSize, SK_BUFF_SIZE), "test.ctx_in");
            System.arraycopy(in, 0, ctx, 0, in.length);
            checkSettable(ctx);
        }
        ByteBuffer skb = ByteBuffer.wrap(ctx).order(ByteOrder.nativeOrder());
        int ifindex = skb.getInt(IFINDEX);
        if (ifindex > 1) {
            // dev_get_by_index in the caller's network namespace; the service cannot see it, so no device.
            throw new BpfException(19, "ctx ifindex " + ifindex + ": only the loopback device (1) is known (ENODEV)");
        }
        int wireLen = skb.getInt(WIRE_LEN);
        long payload = size - ETH_HLEN;
        if (wireLen != 0 && (Integer.toUnsignedLong(wireLen) < payload || Integer.toUnsignedLong(wireLen) > 65536)) {
            throw new BpfException(Errno.EINVAL, "ctx wire_len: actual " + Integer.toUnsignedLong(wireLen)
                    + " vs expected " + payload + "..65536");
        }
        skb.putInt(LEN, (int) payload);
        skb.putShort(PROTOCOL, ByteBuffer.wrap(packet, 12, 2).order(ByteOrder.nativeOrder()).getShort());
        skb.putInt(IFINDEX, 1);
        Runs.Timed timed = Runs.repeat(program, engine, ctx, Integer.toUnsignedLong(attr.u32(REPEAT)), caller);

        // bpf_test_finish
        boolean enospc = false;
        long sizeOut = Integer.toUnsignedLong(attr.u32(DATA_SIZE_OUT));
        int copy = (int) size;
        if (sizeOut != 0 && copy > sizeOut) {
            copy = (int) sizeOut;
            enospc = true;
        }
        // The Ethernet header eth_type_trans pulled is pushed back zeroed (bpf_prog_test_run_skb, !is_l2).
        Arrays.fill(packet, 0, ETH_HLEN, (byte) 0);
        if (attr.u64(DATA_OUT) != 0) {
            caller.write(attr.u64(DATA_OUT), packet, 0, copy);
        }
        attr.putU32(DATA_SIZE_OUT, (int) size);
        attr.putU32(RETVAL, (int) timed.retval());
        attr.putU32(DURATION, timed.duration());
        if (enospc) {
            throw new BpfException(Errno.ENOSPC, "test.data_size_out " + sizeOut + " < " + size);
        }
        // bpf_ctx_finish: convert_skb_to___skb gives back what the kernel keeps of the settable fields.
        if (hasCtx && attr.u64(CTX_OUT) != 0) {
            byte[] out = new byte[SK_BUFF_SIZE];
            for (int[] r : SETTABLE) {
                System.arraycopy(ctx, r[0], out, r[0], r[1] - r[0]);
            }
            ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.nativeOrder());
            o.putInt(WIRE_LEN, wireLen == 0 ? (int) payload : wireLen);
            long ctxOut = Integer.toUnsignedLong(attr.u32(CTX_SIZE_OUT));
            int n = (int) Math.min(ctxOut, SK_BUFF_SIZE);
            caller.write(attr.u64(CTX_OUT), Arrays.copyOf(out, n), "test.ctx_out");
            attr.putU32(CTX_SIZE_OUT, SK_BUFF_SIZE);
            if (n < SK_BUFF_SIZE) {
                throw new BpfException(Errno.ENOSPC, "test.ctx_size_out " + ctxOut + " < " + SK_BUFF_SIZE);
            }
        }
        return Outcome.value(0);
    }

    private static void checkSettable(byte[] ctx) throws BpfException {
        int from = 0;
        for (int[] r : SETTABLE) {
            for (int i = from; i < r[0]; i++) {
                if (ctx[i] != 0) {
                    throw new BpfException(Errno.EINVAL, "ctx_in byte " + i + " is in a __sk_buff field the test run "
                            + "does not take");
                }
            }
            from = r[1];
        }
    }
}
