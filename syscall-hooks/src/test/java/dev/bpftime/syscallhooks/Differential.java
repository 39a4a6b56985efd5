package dev.bpftime.syscallhooks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares, thread by thread, the syscalls the hooks reported with the ones strace saw the
 * kernel run. Equal means: the same syscalls in the same order with the same arguments and
 * results, except for what README.md lists as the known differences:
 *   - strace also sees the runtime's own syscalls (never reported by the hooks): SUD on/off
 *     (prctl 0x3b), process_vm_readv/writev of the SIGSYS guard, the recorder's gettid and the
 *     getpriority its callbacks make through libc;
 *   - a sigset pointer the SIGSYS guard replaced by its copy without SIGSYS;
 *   - a syscall interrupted by a signal: strace shows the kernel-internal -ERESTART* and, when it
 *     is restarted, the attempt again; the hooks report the result the caller got;
 *   - rt_sigaction(SIGSYS or SIGILL, ...) is emulated by the guard: reported, never run; an
 *     application's SIGSYS or SIGILL handler runs inside ours, and its return is our rt_sigreturn;
 *   - a syscall whose caller never got control back (a handler longjmp-ed out of the signal
 *     its return delivered) has no result in the hooks' report; tests name those they expect.
 */
final class Differential {
    /** process_vm_readv/writev, gettid, getpid; getpriority: the recorder's callbacks call it through libc */
    static final Set<Long> RUNTIME_OWN = Set.of(310L, 311L, 186L, 39L, 140L);
    static final long SYS_PRCTL = 157, SYS_EXECVE = 59, SYS_EXECVEAT = 322, SYS_RESTART = 219;
    static final long EINTR = 4;
    /** syscall number -> index of the argument the SIGSYS guard may have replaced */
    static final Map<Long, Integer> GUARDED_ARG = Map.of(14L, 1, 13L, 1, 130L, 0, 271L, 3, 270L, 5, 281L, 4,
            441L, 4, 333L, 5);

    private Differential() {}

    static List<String> compare(RecordedTrace ours, StraceTrace kernel, Set<Long> mayNotReturn) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Integer, List<SyscallEvent>> e : kernel.byTid.entrySet()) {
            int tid = e.getKey();
            List<SyscallEvent> theirs = e.getValue();
            List<SyscallEvent> mine = ours.byTid.getOrDefault(tid, List.of());
            if (kernel.children.contains(tid) && !ours.childStart.containsKey(tid)) {
                problems.add("tid " + tid + ": no exit of the clone/fork that created it (ret 0 in the child)");
            }
            int i = 0;
            for (int j = 0; j < theirs.size(); j++) {
                SyscallEvent s = theirs.get(j);
                while (i < mine.size() && isEmulated(mine.get(i)) && !matches(mine.get(i), s, mayNotReturn)) {
                    i++;
                }
                if (i < mine.size() && matches(mine.get(i), s, mayNotReturn)) {
                    i++;
                } else if (isRuntimeOwn(s) || isInterruptedAttempt(s, i < mine.size() ? mine.get(i) : null)) {
                    continue;
                } else {
                    problems.add("tid " + tid + ": kernel ran " + s + " but the hooks reported "
                            + (i < mine.size() ? mine.get(i) : "nothing more") + context(mine, i));
                    break;
                }
            }
            while (i < mine.size() && isEmulated(mine.get(i))) {
                i++;
            }
            if (problems.isEmpty() && i < mine.size()) {
                problems.add("tid " + tid + ": hooks reported " + mine.get(i) + " that strace did not see" + context(mine, i));
            }
        }
        for (int tid : ours.byTid.keySet()) {
            if (!kernel.byTid.containsKey(tid)) {
                problems.add("tid " + tid + ": reported by the hooks, unknown to strace");
            }
        }
        return problems;
    }

    static boolean isRuntimeOwn(SyscallEvent s) {
        return RUNTIME_OWN.contains(s.nr()) || (s.nr() == SYS_PRCTL && s.args().length > 0
                && s.args()[0] == StraceTrace.PR_SET_SYSCALL_USER_DISPATCH);
    }

    static final long SYS_RT_SIGACTION = 13, SIGSYS = 31, SIGILL = 4;

    static boolean isEmulated(SyscallEvent mine) {
        return mine.nr() == SYS_RT_SIGACTION && (mine.args()[0] == SIGSYS || mine.args()[0] == SIGILL);
    }

    private static boolean isRestart(Long ret) {
        return ret != null && ret <= -512 && ret >= -516;
    }

    /** The first attempt of a syscall the kernel restarted after a signal: ours is the final one. */
    private static boolean isInterruptedAttempt(SyscallEvent s, SyscallEvent mine) {
        return isRestart(s.ret()) && mine != null && mine.nr() == s.nr();
    }

    private static boolean matches(SyscallEvent mine, SyscallEvent s, Set<Long> mayNotReturn) {
        if (mine.nr() != s.nr()) {
            return false;
        }
        Integer guarded = GUARDED_ARG.get(s.nr());
        for (int k = 0; k < Math.min(6, s.args().length); k++) {
            if (mine.args()[k] != s.args()[k] && !(guarded != null && guarded == k)) {
                return false;
            }
        }
        if (mine.ret() == null) {
            return s.ret() == null || s.nr() == SYS_EXECVE || s.nr() == SYS_EXECVEAT || mayNotReturn.contains(s.nr());
        }
        if (s.ret() == null) {
            return false;
        }
        return mine.ret().longValue() == s.ret().longValue() || (isRestart(s.ret()) && mine.ret() == -EINTR);
    }

    private static String context(List<SyscallEvent> mine, int i) {
        StringBuilder b = new StringBuilder("\n  hooks' report around it:");
        for (int k = Math.max(0, i - 3); k < Math.min(mine.size(), i + 3); k++) {
            b.append("\n    ").append(k == i ? "> " : "  ").append(mine.get(k));
        }
        return b.toString();
    }
}
