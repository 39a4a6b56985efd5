package dev.bpftime.compat.perf;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.FdRef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * ioctl on an emulated perf event fd (kernel/events/core.c _perf_ioctl). The request numbers are
 * include/uapi/linux/perf_event.h's _IO/_IOR/_IOW('$', n, ...).
 */
public final class PerfIoctl {

    public static final long ENABLE = 0x2400;
    public static final long DISABLE = 0x2401;
    public static final long RESET = 0x2403;
    public static final long ID = 0x80082407L;
    public static final long SET_BPF = 0x40042408L;

    private PerfIoctl() {
    }

    public static long handle(int fd, long request, long arg, Caller caller) throws BpfException {
        FdRef ref = caller.fd(fd);
        if (!(ref instanceof FdRef.Object o) || !(o.object() instanceof PerfEvent event)) {
            // The shim forwards only fds it received as perf events; one closed meanwhile lands here.
            throw new BpfException(ref instanceof FdRef.Missing ? Errno.EBADF : Errno.ENOTTY,
                    "fd " + fd + " is not an emulated perf event");
        }
        // _perf_ioctl switches on the full command word: another size or direction is ENOTTY.
        if (request == ENABLE || request == DISABLE) {
            event.setEnabled(request == ENABLE);
            return 0;
        }
        if (request == RESET) {
            return 0;
        }
        if (request == ID) {
            byte[] id = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(event.id()).array();
            caller.write(arg, id, "PERF_EVENT_IOC_ID result");
            return 0;
        }
        if (request == SET_BPF) {
            setBpf(event, (int) arg, caller);
            return 0;
        }
        throw new BpfException(Errno.ENOTTY, "perf ioctl 0x" + Long.toHexString(request) + " is not emulated");
    }

    /** PERF_EVENT_IOC_SET_BPF: bpf_prog_get(arg) (EBADF, EINVAL for a non-program), then perf_event_set_bpf_prog. */
    private static void setBpf(PerfEvent event, int progFd, Caller caller) throws BpfException {
        FdRef ref = caller.fd(progFd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADF, "SET_BPF: prog fd " + progFd + " is not open");
        }
        if (!(ref instanceof FdRef.Object o) || !(o.object() instanceof BpfProgram prog)) {
            throw new BpfException(Errno.EINVAL, "SET_BPF: fd " + progFd + " is not a program");
        }
        prog.retain();
        try {
            PerfProgramCheck.attach(event, prog, 0);
        } catch (BpfException e) {
            prog.release();
            throw e;
        }
    }
}
