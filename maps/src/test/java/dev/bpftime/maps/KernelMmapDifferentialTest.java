package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Pointer;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A BPF_F_MMAPABLE array as an app maps it, against the kernel's: the same syscall updates, then
 * the app's mapping of the whole value area and of a window from page 1 must hold the same bytes
 * at the same offsets (values page-aligned, round_up(value_size, 8) apart, array_map_mmap()); and
 * the same stores through both mappings must be what BPF_MAP_LOOKUP_ELEM returns. Needs root.
 */
class KernelMmapDifferentialTest {
    private static final int PAGE = 4096;
    private static Optional<String> kernelUnavailable;

    private final MapFactory factory = new MapFactory(new SharedMemoryBudget(64L << 20));

    @BeforeAll
    static void probeKernel() {
        kernelUnavailable = KernelBpf.unavailableReason();
    }

    @ParameterizedTest(name = "value_size {0}, max_entries {1}")
    @CsvSource({"4, 1", "12, 100", "8, 512", "24, 700", "1, 5000", "4096, 3"})
    void theAppSeesTheSameBytesAtTheSameOffsets(int valueSize, int maxEntries) {
        assumeTrue(kernelUnavailable.isEmpty(), kernelUnavailable.orElse(""));
        MapAttr attr = MapAttr.of(MapType.ARRAY, 4, valueSize, maxEntries, MapFlags.MMAPABLE);
        long length = ((long) maxEntries * ((valueSize + 7) & ~7) + PAGE - 1) / PAGE * PAGE;
        Random rnd = new Random(valueSize * 31L + maxEntries);
        try (KernelBpf kernel = KernelBpf.create(attr, valueSize); BpfMap ours = factory.create(attr)) {
            for (int i = 0; i < 300; i++) {
                byte[] key = Bytes.u32(rnd.nextInt(maxEntries));
                byte[] value = new byte[valueSize];
                rnd.nextBytes(value);
                assertEquals(0, kernel.update(key, value, MapFlags.ANY));
                ours.update(key, value, MapFlags.ANY);
            }
            Pointer k = Libc.mmap(length, true, true, kernel.fd, 0);
            Pointer o = mapOurs(ours, 0, length);
            try {
                assertArrayEquals(k.getByteArray(0, (int) length), o.getByteArray(0, (int) length),
                        "the whole mapping after syscall updates");
                for (int i = 0; i < 300; i++) {
                    long off = rnd.nextInt((int) length / 8) * 8L;
                    long word = rnd.nextLong();
                    k.setLong(off, word);
                    o.setLong(off, word);
                }
                for (int i = 0; i < maxEntries; i++) {
                    assertArrayEquals(kernel.lookup(Bytes.u32(i), 0).value(), ours.lookup(Bytes.u32(i)).orElseThrow(),
                            "value " + i + " after stores through the mappings");
                }
                if (length >= 2 * PAGE) {
                    long window = length - PAGE;
                    Pointer kw = Libc.mmap(window, false, true, kernel.fd, PAGE);
                    Pointer ow = mapOurs(ours, 1, window);
                    assertArrayEquals(kw.getByteArray(0, (int) window), ow.getByteArray(0, (int) window),
                            "a read-only window from page 1");
                    assertArrayEquals(k.getByteArray(PAGE, (int) window), kw.getByteArray(0, (int) window),
                            "the kernel's window is its mapping from page 1");
                    Libc.munmap(kw, window);
                    Libc.munmap(ow, window);
                    ours.unmapped(false);
                }
            } finally {
                Libc.munmap(k, length);
                Libc.munmap(o, length);
                ours.unmapped(true);
            }
        }
    }

    /** What the shim does with {@link BpfMap#mmap}: one mapping per segment, here a single one. */
    private static Pointer mapOurs(BpfMap m, long pgoff, long length) {
        boolean writable = pgoff == 0;
        List<MmapSegment> segs = m.mmap(pgoff, length, writable, true);
        assertEquals(1, segs.size());
        MmapSegment s = segs.get(0);
        assertEquals(0, s.memfdOffset() % PAGE, "segments start on a page of the memfd");
        assertEquals(length, s.length());
        return Libc.mmap(s.length(), writable, true, s.memfd(), s.memfdOffset());
    }
}
