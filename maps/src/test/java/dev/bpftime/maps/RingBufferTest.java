package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BPF_MAP_TYPE_RINGBUF producer semantics and layout (kernel/bpf/ringbuf.c) in one process. */
class RingBufferTest {
    private static final int PAGE = 4096;
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final long RB_AVAIL_DATA = 0;
    private static final long RB_RING_SIZE = 1;
    private static final long RB_CONS_POS = 2;
    private static final long RB_PROD_POS = 3;

    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(64L << 20));

    private BpfMap ring(int size) {
        return factory.create(MapAttr.of(MapType.RINGBUF, 0, 0, size, 0));
    }

    @Test
    void recordsCarryTheKernelsHeaderWithBusyAndDiscardBits() throws IOException {
        try (BpfMap rb = ring(PAGE)) {
            Pointer h = rb.handle();
            MappedByteBuffer producerPage = Libc.map(rb.memfd(), 2L * PAGE, PAGE);
            MappedByteBuffer data = Libc.map(rb.memfd(), 3L * PAGE, PAGE);
            assertEquals(0, NativeMaps.bpftime_ringbuf_output(h, new byte[] {1, 2, 3, 4, 5}, 5, 0));
            assertEquals(5, data.getInt(0), "len without busy/discard bits once committed");
            assertEquals(16, producerPage.getLong(0), "producer_pos: 8-byte header + 5 bytes, 8-aligned");
            assertEquals(3, data.get(8 + 2));
            Pointer sample = NativeMaps.bpftime_ringbuf_reserve(h, 20, 0);
            assertNotNull(sample);
            assertEquals(20 | BUSY, data.getInt(16), "a reserved record is busy");
            NativeMaps.bpftime_ringbuf_discard(h, sample, 0);
            assertEquals(20 | DISCARD, data.getInt(16), "a discarded record keeps its length, discard bit set");
            assertEquals(48, NativeMaps.bpftime_ringbuf_query(h, RB_PROD_POS));
            assertEquals(0, NativeMaps.bpftime_ringbuf_query(h, RB_CONS_POS));
            assertEquals(48, NativeMaps.bpftime_ringbuf_query(h, RB_AVAIL_DATA));
            assertEquals(16, producerPage.getLong(8), "pending_pos (after producer_pos) moves at the next reserve");
            assertEquals(0, NativeMaps.bpftime_ringbuf_output(h, new byte[1], 1, 0));
            assertEquals(48, producerPage.getLong(8), "pending_pos moved over the committed and discarded records");
            assertEquals(64, producerPage.getLong(0));
            assertEquals(Errno.ENOTSUPP.code(), org.junit.jupiter.api.Assertions.assertThrows(MapException.class,
                    () -> rb.lookup(null)).errno(), "a ring buffer has no elements");
            assertEquals(PAGE, NativeMaps.bpftime_ringbuf_query(h, RB_RING_SIZE));
        }
    }

    @Test
    void reserveRefusesWhatTheKernelRefuses() throws IOException {
        try (BpfMap rb = ring(PAGE)) {
            Pointer h = rb.handle();
            assertNull(NativeMaps.bpftime_ringbuf_reserve(h, PAGE - 7, 0), "header + sample beyond the ring");
            assertNull(NativeMaps.bpftime_ringbuf_reserve(h, 8, 1), "flags must be 0");
            assertEquals(-Errno.EINVAL.code(), NativeMaps.bpftime_ringbuf_output(h, new byte[8], 8, 4));
            int written = 0;
            while (NativeMaps.bpftime_ringbuf_output(h, new byte[56], 56, 0) == 0) {
                written++;
            }
            assertEquals(63, written, "the kernel keeps producer_pos - consumer_pos <= size - 1");
            assertEquals(-Errno.EAGAIN.code(), NativeMaps.bpftime_ringbuf_output(h, new byte[56], 56, 0));
            MappedByteBuffer consumerPage = Libc.map(rb.memfd(), PAGE, PAGE);
            consumerPage.putLong(0, 64 * 10);
            assertEquals(0, NativeMaps.bpftime_ringbuf_output(h, new byte[56], 56, 0), "room again once consumed");
        }
    }

    @Test
    void wakeupsFollowTheConsumerPositionAndTheFlags() throws IOException {
        try (BpfMap rb = ring(PAGE)) {
            Pointer h = rb.handle();
            int efd = rb.eventfd();
            assertEquals(0, Libc.drainEventfd(efd));
            NativeMaps.bpftime_ringbuf_output(h, new byte[8], 8, 0);
            assertEquals(1, Libc.drainEventfd(efd), "the consumer waits at this record: wake it");
            NativeMaps.bpftime_ringbuf_output(h, new byte[8], 8, 0);
            assertEquals(0, Libc.drainEventfd(efd), "the consumer has not reached this record: no wake-up");
            NativeMaps.bpftime_ringbuf_output(h, new byte[8], 8, MapFlags.RB_FORCE_WAKEUP);
            assertEquals(1, Libc.drainEventfd(efd), "BPF_RB_FORCE_WAKEUP");
            MappedByteBuffer consumerPage = Libc.map(rb.memfd(), PAGE, PAGE);
            consumerPage.putLong(0, NativeMaps.bpftime_ringbuf_query(h, RB_PROD_POS));
            NativeMaps.bpftime_ringbuf_output(h, new byte[8], 8, MapFlags.RB_NO_WAKEUP);
            assertEquals(0, Libc.drainEventfd(efd), "BPF_RB_NO_WAKEUP");
            assertEquals(1, NativeMaps.bpftime_ringbuf_poll_rearm(h), "data available");
            consumerPage.putLong(0, NativeMaps.bpftime_ringbuf_query(h, RB_PROD_POS));
            NativeMaps.bpftime_ringbuf_output(h, new byte[8], 8, MapFlags.RB_FORCE_WAKEUP);
            consumerPage.putLong(0, NativeMaps.bpftime_ringbuf_query(h, RB_PROD_POS));
            assertEquals(0, NativeMaps.bpftime_ringbuf_poll_rearm(h), "empty: the eventfd is drained");
            assertEquals(0, Libc.drainEventfd(efd));
        }
    }

    @Test
    void aRecordWhoseProducerDiedIsDiscardedAndTheConsumerWoken() throws Exception {
        try (BpfMap rb = ring(PAGE)) {
            Pointer h = rb.handle();
            Pointer sample = NativeMaps.bpftime_ringbuf_reserve(h, 16, 0);
            assertNotNull(sample);
            assertEquals(0, NativeMaps.bpftime_ringbuf_recover(h), "its producer (this thread) is alive");
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            MappedByteBuffer data = Libc.map(rb.memfd(), 3L * PAGE, PAGE);
            data.putInt(4, (int) p.pid()); // as if reserved by that process, which then died
            Libc.drainEventfd(rb.eventfd());
            assertEquals(1, NativeMaps.bpftime_ringbuf_recover(h));
            assertEquals(16 | DISCARD, data.getInt(0));
            assertEquals(1, Libc.drainEventfd(rb.eventfd()), "the consumer is told to look again");
        }
    }

    @Test
    void anAppMapsTheConsumerPageThenTheProducerPageAndTheDataTwice() {
        try (BpfMap rb = ring(2 * PAGE)) {
            List<MmapSegment> consumer = rb.mmap(0, PAGE, true);
            assertEquals(List.of(new MmapSegment(0, rb.memfd(), PAGE, PAGE, true)), consumer);
            List<MmapSegment> rest = rb.mmap(1, PAGE + 4L * PAGE, false);
            assertEquals(List.of(new MmapSegment(0, rb.memfd(), 2L * PAGE, PAGE, false),
                    new MmapSegment(PAGE, rb.memfd(), 3L * PAGE, 2L * PAGE, false),
                    new MmapSegment(3L * PAGE, rb.memfd(), 3L * PAGE, 2L * PAGE, false)), rest);
            assertEquals(Errno.EPERM.code(), org.junit.jupiter.api.Assertions.assertThrows(MapException.class,
                    () -> rb.mmap(1, PAGE, true)).errno(), "only the consumer page may be writable");
            assertTrue(rb.eventfd() >= 0);
        }
    }
}
