package dev.bpftime.syscallhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recorder log turned into per-thread syscalls. An exit closes the innermost open enter of
 * its thread (a signal handler's syscalls nest inside the syscall whose return delivered the
 * signal). A thread's or child process's log may begin with the exit of the clone/fork that
 * created it, which the kernel's sys_exit also reports in the child; it is kept apart.
 */
final class RecordedTrace {
    static final int SYS_CLONE = 56, SYS_FORK = 57, SYS_VFORK = 58, SYS_CLONE3 = 435;

    final Map<Integer, List<SyscallEvent>> byTid = new LinkedHashMap<>();
    final Map<Integer, SyscallEvent> childStart = new LinkedHashMap<>();
    final List<RecorderLog.Event> installs = new ArrayList<>();
    /** The hooks' counters at each process image's exit (RECORD_STATS), in log order. */
    final List<RecorderLog.Event> finalStats = new ArrayList<>();
    /** RECORD_COVERAGE: after each install and final stats record, in log order. */
    final List<RecorderLog.Event> coverage = new ArrayList<>();

    RecordedTrace(List<RecorderLog.Event> events) {
        Map<Integer, Deque<int[]>> open = new LinkedHashMap<>();
        for (RecorderLog.Event e : events) {
            if (e.kind() == RecorderLog.INSTALL) {
                installs.add(e);
                continue;
            }
            assertTrue(e.kind() != RecorderLog.BAD_REGS, "tid " + e.tid() + ": bpftime_syscall_hooks_regs disagreed"
                    + " with the callback about syscall " + e.nr() + " (check " + e.values()[0]
                    + " in recorder_preload.c)");
            if (e.kind() == RecorderLog.STATS) {
                finalStats.add(e);
                continue;
            }
            if (e.kind() == RecorderLog.COVERAGE) {
                coverage.add(e);
                continue;
            }
            List<SyscallEvent> list = byTid.computeIfAbsent(e.tid(), t -> new ArrayList<>());
            Deque<int[]> stack = open.computeIfAbsent(e.tid(), t -> new ArrayDeque<>());
            if (e.kind() == RecorderLog.ENTER) {
                stack.push(new int[] {list.size()});
                list.add(new SyscallEvent(e.nr(), e.values().clone(), null, null));
                continue;
            }
            if (stack.isEmpty()) {
                assertTrue(list.isEmpty() && isClone(e.nr()) && e.values()[0] == 0,
                        "tid " + e.tid() + ": exit of nr " + e.nr() + " = " + e.values()[0]
                                + " without an enter, not the first event of a new child");
                childStart.put(e.tid(), new SyscallEvent(e.nr(), new long[0], 0L, null));
                continue;
            }
            int at = stack.pop()[0];
            SyscallEvent entered = list.get(at);
            assertEquals(entered.nr(), e.nr(), "tid " + e.tid() + ": exit nr vs the innermost open enter's");
            list.set(at, new SyscallEvent(entered.nr(), entered.args(), e.values()[0], null));
        }
    }

    static boolean isClone(long nr) {
        return nr == SYS_CLONE || nr == SYS_FORK || nr == SYS_VFORK || nr == SYS_CLONE3;
    }
}
