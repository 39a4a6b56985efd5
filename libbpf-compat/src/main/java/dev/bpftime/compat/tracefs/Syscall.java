package dev.bpftime.compat.tracefs;

import java.util.List;

/**
 * One x86-64 syscall as its tracepoints describe it: the number, the name of its sys_enter_/sys_exit_
 * events and its arguments as the kernel's SYSCALL_DEFINE gives them (kernel/trace/trace_syscalls.c
 * prints them into the events' format files).
 */
public record Syscall(int nr, String name, List<Arg> args) {

    /** One argument: its C type and name as in SYSCALL_DEFINE, and the format file's "signed:" bit. */
    public record Arg(String type, String name, boolean signed) {
    }

    public Syscall {
        args = List.copyOf(args);
        if (args.size() > 6) {
            throw new IllegalArgumentException("syscall " + name + ": actual " + args.size()
                    + " arguments vs expected at most 6");
        }
    }
}
