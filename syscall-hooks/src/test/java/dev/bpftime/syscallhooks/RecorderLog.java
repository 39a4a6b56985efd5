package dev.bpftime.syscallhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The log the test preload writes (src/test/c/recorder_log.h): created here, read after the run. */
final class RecorderLog {
    static final long MAGIC = 0x474f4c4853465042L;
    static final int HEADER = 64;
    static final int RECORD = 64;
    static final int ENTER = 1;
    static final int EXIT = 2;
    static final int INSTALL = 3;
    static final int STATS = 4;
    static final int BAD_REGS = 5;
    static final int COVERAGE = 6;

    /** One record: kind, thread, syscall number (install: its result), six values. */
    record Event(int kind, int tid, long nr, long[] values) {}

    private RecorderLog() {}

    static Path create(Path dir, int capacity) throws IOException {
        Path p = dir.resolve("recorder.log");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            h.putLong(MAGIC).putLong(capacity);
            f.write(h.array());
            f.setLength(HEADER + (long) capacity * RECORD);
        }
        return p;
    }

    static List<Event> read(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(MAGIC, b.getLong(0), "recorder log magic");
        long capacity = b.getLong(8);
        long next = b.getLong(16);
        assertTrue(next <= capacity, "recorder log overflowed: actual " + next + " records vs capacity " + capacity);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < next; i++) {
            int at = HEADER + i * RECORD;
            int kind = b.getInt(at);
            assertTrue(kind >= ENTER && kind <= COVERAGE, "record " + i + ": kind actual " + kind + " vs expected 1..6");
            long[] v = new long[6];
            for (int k = 0; k < 6; k++) {
                v[k] = b.getLong(at + 16 + 8 * k);
            }
            events.add(new Event(kind, b.getInt(at + 4), b.getLong(at + 8), v));
        }
        return events;
    }
}
