package dev.bpftime.syscallhooks;

import java.util.Arrays;

/**
 * One syscall of one thread: number, the argument values known (strace prints only as many as
 * the syscall takes), and the result, or null when it never returned to its caller.
 */
record SyscallEvent(long nr, long[] args, Long ret, String text) {

    @Override
    public String toString() {
        return text != null ? text : "nr " + nr + " " + Arrays.toString(args) + " = " + ret;
    }
}
