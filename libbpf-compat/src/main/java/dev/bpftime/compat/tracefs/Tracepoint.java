package dev.bpftime.compat.tracefs;

/**
 * One emulated tracepoint: its id (what perf_event_open's config names for PERF_TYPE_TRACEPOINT),
 * system and event name, and for a syscalls:sys_enter_X/sys_exit_X event the syscall it fires on.
 * raw_syscalls:sys_enter/sys_exit have no syscall: they fire on all.
 */
public record Tracepoint(int id, String system, String name, Syscall syscall, boolean exit) {

    public String path() {
        return system + "/" + name;
    }
}
