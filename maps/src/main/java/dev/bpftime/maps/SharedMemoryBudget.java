package dev.bpftime.maps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How much shared memory the maps of one service may hold together. A map that would go beyond it
 * is refused with ENOMEM at creation, as the kernel refuses one beyond its memory cgroup.
 * Configured by system property {@code bpftime.maps.shm.limit} (bytes, with an optional k/m/g
 * suffix); by default a quarter of physical memory.
 */
public final class SharedMemoryBudget {
    public static final String LIMIT_PROPERTY = "bpftime.maps.shm.limit";

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public SharedMemoryBudget(long limitBytes) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("shared memory limit " + limitBytes + " vs expected > 0");
        }
        this.limit = limitBytes;
    }

    public static SharedMemoryBudget fromSystemProperties() {
        String v = System.getProperty(LIMIT_PROPERTY);
        return new SharedMemoryBudget(v == null ? physicalMemory() / 4 : parseSize(v));
    }

    public long limit() {
        return limit;
    }

    public long used() {
        return used.get();
    }

    /** Takes `bytes` from the budget or throws ENOMEM naming what was asked and what is left. */
    void reserve(long bytes, String what) {
        long now;
        do {
            now = used.get();
            if (bytes > limit - now) {
                throw new MapException(Errno.ENOMEM, what + " needs " + bytes + " bytes of shared memory, "
                        + (limit - now) + " of " + limit + " left (" + LIMIT_PROPERTY + ")");
            }
        } while (!used.compareAndSet(now, now + bytes));
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    static long parseSize(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("k")) {
            unit = 1L << 10;
        } else if (t.endsWith("m")) {
            unit = 1L << 20;
        } else if (t.endsWith("g")) {
            unit = 1L << 30;
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(LIMIT_PROPERTY + "='" + s + "' is not a size like 512m or 2g", e);
        }
    }

    private static long physicalMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to a conservative default
        }
        return 4L << 30;
    }
}
