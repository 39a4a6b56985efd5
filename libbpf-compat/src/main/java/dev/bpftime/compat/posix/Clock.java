package dev.bpftime.compat.posix;

/** Clocks the kernel's bpf() answers use. */
public final class Clock {

    private Clock() {
    }

    /** CLOCK_BOOTTIME in nanoseconds: the clock of bpf_prog_info.load_time (ktime_get_boottime_ns). */
    public static long boottimeNanos() {
        long[] ts = new long[2];
        LibC.clock_gettime(LibC.CLOCK_BOOTTIME, ts);
        return ts[0] * 1_000_000_000L + ts[1];
    }
}
