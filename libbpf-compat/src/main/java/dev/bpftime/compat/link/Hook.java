package dev.bpftime.compat.link;

/**
 * Where a program runs, as the agent must install it in traced processes. Kernel names: a syscall
 * tracepoint (events/syscalls/sys_enter_X), a raw syscall tracepoint (raw_syscalls sys_enter/sys_exit,
 * BPF_RAW_TRACEPOINT_OPEN), a uprobe or uretprobe (the uprobe PMU: binary, file offset, optional
 * reference counter offset for USDT semaphores).
 */
public sealed interface Hook {

    /** syscalls:sys_enter_NAME or sys_exit_NAME; {@code nr} is the x86-64 syscall number. */
    record SyscallTracepoint(String name, int nr, boolean exit) implements Hook {
    }

    /** raw_syscalls:sys_enter/sys_exit as a tracepoint (perf event) or a raw tracepoint (BPF_RAW_TRACEPOINT_OPEN). */
    record RawSyscall(boolean exit, boolean rawTracepoint) implements Hook {
    }

    /** A uprobe (or uretprobe) at {@code offset} bytes into the file {@code path}. */
    record Uprobe(String path, long offset, long refCtrOffset, boolean retprobe) implements Hook {
    }
}
