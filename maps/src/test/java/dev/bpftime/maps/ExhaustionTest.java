package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Absurd sizes and exhausted shared memory: ENOMEM or E2BIG, never a crash; nothing leaks. */
class ExhaustionTest {
    private static final int MIB = 1 << 20;

    private static int errno(Runnable r) {
        return assertThrows(MapException.class, r::run).errno();
    }

    @Test
    void absurdSizesAreRefusedAtCreation() {
        MapFactory f = new MapFactory(new SharedMemoryBudget(256L * MIB));
        int twoPow31 = (int) (1L << 31);
        assertEquals(Errno.ENOMEM.code(), errno(() -> f.create(MapAttr.of(MapType.ARRAY, 4, 8, twoPow31, 0))));
        assertEquals(Errno.E2BIG.code(), errno(() -> f.create(MapAttr.of(MapType.HASH, 4, 8, twoPow31, 0))),
                "n_buckets beyond U32_MAX / sizeof(struct bucket), as htab_map_alloc()");
        assertEquals(Errno.E2BIG.code(), errno(() -> f.create(MapAttr.of(MapType.HASH, 4, 8, -1, 0))));
        assertEquals(Errno.ENOMEM.code(), errno(() -> f.create(MapAttr.of(MapType.HASH, 4, MIB, 100_000, 0))),
                "1 MiB values times 100000");
        assertEquals(Errno.ENOMEM.code(), errno(() -> f.create(MapAttr.of(MapType.ARRAY, 4, MIB, 4096, 0))));
        assertEquals(Errno.E2BIG.code(), errno(() -> f.create(MapAttr.of(MapType.PERCPU_ARRAY, 4, MIB, 4, 0))));
        assertEquals(Errno.E2BIG.code(), errno(() -> f.create(MapAttr.of(MapType.ARRAY, 4, -1, 4, 0))),
                "value_size beyond INT_MAX");
        assertEquals(Errno.ENOMEM.code(), errno(() -> f.create(MapAttr.of(MapType.RINGBUF, 0, 0, twoPow31, 0))));
        assertEquals(Errno.ENOMEM.code(), errno(() -> f.createPerfBuffer(0, 1 << 20, 1)));
        assertEquals(0, f.budget().used(), "refused maps take nothing from the budget");
    }

    @Test
    void mapsBeyondTheConfiguredSharedMemoryAreEnomemUntilOneIsFreed() {
        MapFactory f = new MapFactory(new SharedMemoryBudget(64L * MIB));
        List<BpfMap> maps = new ArrayList<>();
        MapAttr twelveMib = MapAttr.of(MapType.ARRAY, 4, 4096, 3 * 1024, 0);
        try {
            MapException refused = null;
            for (int i = 0; i < 10 && refused == null; i++) {
                try {
                    maps.add(f.create(twelveMib));
                } catch (MapException e) {
                    refused = e;
                }
            }
            assertTrue(refused != null && refused.is(Errno.ENOMEM), "the budget refuses with ENOMEM");
            assertTrue(refused.getMessage().contains("bpftime.maps.shm.limit"), refused.getMessage());
            assertEquals(5, maps.size());
            maps.remove(0).close();
            maps.add(f.create(twelveMib));
        } finally {
            maps.forEach(BpfMap::close);
        }
        assertEquals(0, f.budget().used());
    }

    @Test
    void aHugeBatchCountNeedsNoHugeBuffer() {
        MapFactory f = new MapFactory(new SharedMemoryBudget(64L * MIB));
        try (BpfMap m = f.create(MapAttr.of(MapType.HASH, 4, 4, 16, 0))) {
            m.update(Bytes.u32(1), Bytes.u32(2), MapFlags.ANY);
            BatchResult r = m.lookupBatch(null, Integer.MAX_VALUE, 0, 0);
            assertEquals(1, r.count());
            assertTrue(r.exhausted());
        }
    }

    @Test
    void aDeadCreatorLeavesNoSharedMemoryUnlessTheObjectIsStillReferenced() throws Exception {
        long size = 128L * MIB;
        // unreferenced: the memory goes with the creator
        long before = shmem();
        Creator c = Creator.start(128);
        assertTrue(shmem() - before > size * 3 / 4, "the creator's map is in shared memory");
        c.kill();
        assertTrue(waitUntil(() -> shmem() - before < size / 4), "freed with its creator: Shmem grew by "
                + (shmem() - before) / MIB + " MiB");
        // referenced by another process's fd: it survives the creator, and goes with the last fd
        long before2 = shmem();
        Creator c2 = Creator.start(128);
        FileChannel held = FileChannel.open(Path.of("/proc/" + c2.pid + "/fd/" + c2.memfd), StandardOpenOption.READ);
        c2.kill();
        Thread.sleep(200);
        assertTrue(shmem() - before2 > size * 3 / 4, "still referenced: still there");
        held.close();
        assertTrue(waitUntil(() -> shmem() - before2 < size / 4), "freed with the last reference");
    }

    private static long shmem() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("Shmem:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("/proc/meminfo has no Shmem line");
    }

    interface Check {
        boolean holds() throws IOException;
    }

    private static boolean waitUntil(Check c) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (c.holds()) {
                return true;
            }
            Thread.sleep(50);
        }
        return c.holds();
    }

    /** shm_creator: a process that creates a map and waits to be killed. */
    private record Creator(Process process, long pid, int memfd) {
        static Creator start(int mib) throws IOException {
            Process p = new ProcessBuilder(NativeTestPrograms.program("shm_creator").toString(), "" + mib).start();
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (line == null || !line.startsWith("pid ")) {
                p.destroyForcibly();
                throw new IllegalStateException("shm_creator printed " + line + ": "
                        + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            String[] w = line.split(" ");
            return new Creator(p, Long.parseLong(w[1]), Integer.parseInt(w[3]));
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
