package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A map the service (Java) created, used by another process, and memfds that are not maps. */
class SharedAcrossProcessesTest {
    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(64L << 20));

    @Test
    void aNativeProcessSeesAndChangesTheMapTheServiceCreated() throws Exception {
        try (BpfMap m = factory.create(MapAttr.of(MapType.HASH, 4, 8, 256, 0))) {
            m.update(Bytes.u32(5), Bytes.u64(1), MapFlags.ANY);
            String pid = "" + ProcessHandle.current().pid();
            for (int round = 0; round < 2; round++) {
                String out = NativeTestPrograms.run(30, "map_client", pid, "" + m.memfd(), "100");
                assertTrue(out.contains("done 100"), out);
            }
            assertEquals(1 + 2 * 1005, Bytes.u64(m.lookup(Bytes.u32(5)).orElseThrow(), 0));
            assertEquals(2 * 1099, Bytes.u64(m.lookup(Bytes.u32(99)).orElseThrow(), 0));
            assertEquals(100, m.count());
        }
    }

    @Test
    void openingAMemfdThatIsNotAMapIsEinvalNeverACrash() throws IOException {
        for (int field : List.of(0, 12, 24, 32, 56, 80, 96)) {
            try (BpfMap m = factory.create(MapAttr.of(MapType.HASH, 4, 8, 64, 0))) {
                MappedByteBuffer header = Libc.map(m.memfd(), 0, 4096);
                header.putInt(field, header.getInt(field) ^ 0x40000001);
                long[] out = new long[1];
                assertEquals(-Errno.EINVAL.code(), NativeMaps.bpftime_map_open(m.memfd(), -1, out),
                        "header corrupted at offset " + field);
            }
        }
        Path small = Files.createTempFile("not-a-map", ".bin");
        try {
            Files.write(small, new byte[100]);
            assertEquals(-Errno.EINVAL.code(), openPath(small), "a regular file smaller than a page");
            assertEquals(-Errno.EINVAL.code(), openPath(Path.of("/dev/null")), "a character device");
        } finally {
            Files.delete(small);
        }
        try (BpfMap ring = factory.create(MapAttr.of(MapType.RINGBUF, 0, 0, 4096, 0))) {
            long[] out = new long[1];
            assertEquals(-Errno.EINVAL.code(), NativeMaps.bpftime_map_open(ring.memfd(), -1, out),
                    "a ring buffer without its eventfd");
        }
    }

    private static int openPath(Path p) {
        int fd = Libc.open(p.toString());
        try {
            long[] out = new long[1];
            return NativeMaps.bpftime_map_open(fd, -1, out);
        } finally {
            Libc.close(fd);
        }
    }
}
