package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import org.junit.jupiter.api.Test;

/** Perf buffers with the layout of include/uapi/linux/perf_event.h, and bpf_perf_event_output(). */
class PerfBufferTest {
    private static final int PAGE = 4096;
    private static final int PERF_RECORD_LOST = 2;
    private static final int PERF_RECORD_SAMPLE = 9;
    private static final long BPF_F_CURRENT_CPU = 0xffffffffL;
    // struct perf_event_mmap_page
    private static final int DATA_HEAD = 1024;
    private static final int DATA_TAIL = 1032;
    private static final int DATA_OFFSET = 1040;
    private static final int DATA_SIZE = 1048;

    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(64L << 20));

    @Test
    void aSampleIsAPerfRecordSampleWithRawDataPaddedTo8Bytes() throws IOException {
        try (BpfMap pb = factory.createPerfBuffer(0, 2, 41)) {
            MappedByteBuffer page = Libc.map(pb.memfd(), NativeMaps.bpftime_map_mmap_offset(pb.handle()), 3L * PAGE);
            assertEquals(PAGE, page.getLong(DATA_OFFSET));
            assertEquals(2 * PAGE, page.getLong(DATA_SIZE));
            assertEquals(0, NativeMaps.bpftime_perfbuf_output(pb.handle(), new byte[] {9, 8, 7}, 3));
            assertEquals(16, page.getLong(DATA_HEAD), "header 8 + u32 size + 3 bytes, rounded to 8");
            assertEquals(PERF_RECORD_SAMPLE, page.getInt(PAGE));
            assertEquals(16, page.getShort(PAGE + 6), "perf_event_header.size");
            assertEquals(4, page.getInt(PAGE + 8), "raw size includes the padding");
            assertEquals(7, page.get(PAGE + 14));
            assertEquals(0, page.get(PAGE + 15), "padding is zero");
        }
    }

    @Test
    void recordsThatDoNotFitAreReportedInAPerfRecordLost() throws IOException {
        try (BpfMap pb = factory.createPerfBuffer(0, 1, 42)) {
            MappedByteBuffer page = Libc.map(pb.memfd(), NativeMaps.bpftime_map_mmap_offset(pb.handle()), 2L * PAGE);
            int written = 0;
            while (NativeMaps.bpftime_perfbuf_output(pb.handle(), new byte[60], 60) == 0) {
                written++;
            }
            assertEquals(56, written, "72-byte records in 4096 bytes, one byte always free");
            for (int i = 0; i < 4; i++) {
                assertEquals(-Errno.ENOSPC.code(), NativeMaps.bpftime_perfbuf_output(pb.handle(), new byte[60], 60));
            }
            assertEquals(5, NativeMaps.bpftime_perfbuf_lost(pb.handle()));
            long head = page.getLong(DATA_HEAD);
            page.putLong(DATA_TAIL, head); // the consumer read everything
            assertEquals(0, NativeMaps.bpftime_perfbuf_output(pb.handle(), new byte[60], 60));
            int at = (int) (PAGE + (head % PAGE));
            assertEquals(PERF_RECORD_LOST, page.getInt(at));
            assertEquals(24, page.getShort(at + 6));
            assertEquals(42, page.getLong(at + 8), "the event id");
            assertEquals(5, page.getLong(at + 16), "lost");
            assertEquals(PERF_RECORD_SAMPLE, page.getInt((int) (PAGE + ((head + 24) % PAGE))));
            assertEquals(0, NativeMaps.bpftime_perfbuf_lost(pb.handle()));
        }
    }

    /**
     * Wake-ups as the kernel's perf_output_end()/__perf_output_begin(): every record without rules
     * (and with libbpf's wakeup_events 1), every Nth with wakeup_events N, and with the watermark bit
     * only when more than wakeup_watermark bytes were written since the last; the rearm before a
     * wait drains the eventfd only when the consumer has read everything.
     */
    @Test
    void wakeupsFollowWakeupEventsAndTheWatermarkAndTheRearmDrainsOnlyAnEmptyBuffer() throws IOException {
        record Rule(String name, int events, int watermark, boolean useWatermark, int[] wakesAfter) {
        }
        int records = 6; // 24 bytes each: header 8, u32 size, 8 bytes of data, padded to 8
        for (Rule r : new Rule[] {new Rule("none set", -1, 0, false, new int[] {1, 2, 3, 4, 5, 6}),
            new Rule("wakeup_events 1", 1, 0, false, new int[] {1, 2, 3, 4, 5, 6}),
            new Rule("wakeup_events 3", 3, 0, false, new int[] {3, 6}),
            // head 48 > 40: mark 40; 96 - 40 > 40: mark 80; 120 - 80 = 40 is not more; 144 - 80 > 40
            new Rule("watermark 40 bytes", 0, 40, true, new int[] {2, 4, 6}),
            new Rule("wakeup_events 0, no watermark: half the buffer", 0, 0, false, new int[] {})}) {
            try (BpfMap pb = factory.createPerfBuffer(0, 1, 43)) {
                if (r.events() >= 0) {
                    pb.setPerfWakeup(r.events(), r.watermark(), r.useWatermark());
                }
                java.util.List<Integer> woke = new java.util.ArrayList<>();
                for (int n = 1; n <= records; n++) {
                    assertEquals(0, NativeMaps.bpftime_perfbuf_output(pb.handle(), new byte[8], 8));
                    if (Libc.drainEventfd(pb.eventfd()) != 0) {
                        woke.add(n);
                    }
                }
                assertEquals(java.util.Arrays.stream(r.wakesAfter()).boxed().toList(), woke, r.name());
            }
        }
        try (BpfMap pb = factory.createPerfBuffer(0, 1, 44)) {
            MappedByteBuffer page = Libc.map(pb.memfd(), NativeMaps.bpftime_map_mmap_offset(pb.handle()), 2L * PAGE);
            pb.setPerfWakeup(1, 0, false);
            assertEquals(0, NativeMaps.bpftime_perfbuf_output(pb.handle(), new byte[8], 8));
            assertEquals(1, NativeMaps.bpftime_perfbuf_poll_rearm(pb.handle()), "a record waits");
            assertEquals(1, Libc.drainEventfd(pb.eventfd()), "the rearm left the wake-up there");
            assertEquals(0, NativeMaps.bpftime_perfbuf_output(pb.handle(), new byte[8], 8));
            page.putLong(DATA_TAIL, page.getLong(DATA_HEAD)); // the consumer read everything
            assertEquals(0, NativeMaps.bpftime_perfbuf_poll_rearm(pb.handle()), "empty");
            assertEquals(0, Libc.drainEventfd(pb.eventfd()), "the rearm drained the eventfd");
        }
    }

    @Test
    void perfEventOutputResolvesTheSlotAsTheKernelDoes() {
        int ncpus = MapFactory.possibleCpus();
        try (BpfMap array = factory.create(MapAttr.of(MapType.PERF_EVENT_ARRAY, 4, 4, ncpus + 1, 0))) {
            BpfMap[] bufs = new BpfMap[ncpus];
            for (int c = 0; c < ncpus; c++) {
                bufs[c] = factory.createPerfBuffer(c, 1, 500 + c);
                array.update(Bytes.u32(c), Bytes.u32(500 + c), MapFlags.ANY);
            }
            Pointer a = array.handle();
            byte[] d = new byte[8];
            assertEquals(0, NativeMaps.bpftime_perf_event_output(a, BPF_F_CURRENT_CPU, d, 8));
            assertEquals(-Errno.EINVAL.code(), NativeMaps.bpftime_perf_event_output(a, 1L << 32, d, 8));
            assertEquals(-Errno.E2BIG.code(), NativeMaps.bpftime_perf_event_output(a, ncpus + 1, d, 8));
            assertEquals(-Errno.ENOENT.code(), NativeMaps.bpftime_perf_event_output(a, ncpus, d, 8), "empty slot");
            array.update(Bytes.u32(ncpus), Bytes.u32(999), MapFlags.ANY);
            assertEquals(-Errno.ENOENT.code(), NativeMaps.bpftime_perf_event_output(a, ncpus, d, 8), "unknown buffer");
            if (ncpus >= 2) {
                // another CPU's event: the kernel's -EOPNOTSUPP (event->oncpu != cpu); retry if we migrated
                int tries = 0;
                long rc;
                do {
                    int other = (MapFactory.currentCpuSlot() + 1) % ncpus;
                    rc = NativeMaps.bpftime_perf_event_output(a, other, d, 8);
                } while (rc == 0 && ++tries < 100);
                assertEquals(-Errno.EOPNOTSUPP.code(), rc);
            }
            for (BpfMap b : bufs) {
                b.close();
            }
        }
    }

    @Test
    void thePerfBufferPageCountMustBeAPowerOfTwo() {
        assertEquals(Errno.EINVAL.code(), assertThrows(MapException.class, () -> factory.createPerfBuffer(0, 3, 1)).errno());
        assumeTrue(MapFactory.possibleCpus() < 1000);
        assertEquals(Errno.EINVAL.code(), assertThrows(MapException.class, () -> factory.createPerfBuffer(5000, 1, 1)).errno());
    }
}
