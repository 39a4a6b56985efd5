package dev.bpftime.maps;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * perf_event_open(2) of a PERF_COUNT_SW_BPF_OUTPUT event on one CPU, as libbpf's perf_buffer__new()
 * opens one per CPU: the fds a kernel PERF_EVENT_ARRAY's slots take. struct perf_event_attr
 * offsets: include/uapi/linux/perf_event.h.
 */
final class KernelPerfEvents {
    private static final int SYS_PERF_EVENT_OPEN = 298;
    private static final int PERF_TYPE_SOFTWARE = 1;
    private static final int PERF_COUNT_SW_BPF_OUTPUT = 10;
    private static final long PERF_SAMPLE_RAW = 1 << 10;
    private static final int PERF_FLAG_FD_CLOEXEC = 8;
    private static final int ATTR_SIZE = 128;

    static {
        Native.register(KernelPerfEvents.class, NativeLibrary.getInstance("c"));
    }

    private KernelPerfEvents() {
    }

    private static native long syscall(long number, Pointer attr, long pid, long cpu, long groupFd, long flags)
            throws LastErrorException;

    /** The event's fd; any process (pid -1), this cpu. */
    static int openBpfOutput(int cpu) {
        Memory attr = new Memory(ATTR_SIZE);
        attr.clear();
        attr.setInt(0, PERF_TYPE_SOFTWARE);
        attr.setInt(4, ATTR_SIZE);
        attr.setLong(8, PERF_COUNT_SW_BPF_OUTPUT);
        attr.setLong(16, 1);
        attr.setLong(24, PERF_SAMPLE_RAW);
        attr.setInt(48, 1);
        try {
            return (int) syscall(SYS_PERF_EVENT_OPEN, attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
        } catch (LastErrorException e) {
            throw new MapException(e.getErrorCode(), "perf_event_open(PERF_COUNT_SW_BPF_OUTPUT, cpu " + cpu + ")");
        }
    }
}
