/*
 * Syscall User Dispatch only while something needs it. SUD puts every syscall of a dispatched
 * task on the kernel's slow entry and exit path (7 to 10 ns here) even when the syscall is made
 * from the allowed range, so a thread runs without it whenever every executable mapping of the
 * process is covered (coverage in rewrite.c: each `syscall` rewritten or turned into a trapping
 * ud2, or provably none). New code appears only through a syscall the hooks see (mmap, mprotect,
 * pkey_mprotect, shmat with exec rights): before it runs, SUD goes on in every thread, and it goes
 * off again once a later scan covers the new code.
 *
 * SUD is per task (kernel/entry/syscall_user_dispatch.c), so the thread that maps new code turns
 * it on in the others:
 *   - a thread blocked in a syscall made from the gate will return through the dispatcher, which
 *     compares its state with the wanted one before going back to the application (the entry's
 *     fast path, closed first, sends it there): left alone,
 *     so that no blocking call of the application sees an EINTR of ours;
 *   - every other thread (running, or stopped outside a syscall) gets a SIGSYS queued with
 *     rt_tgsigqueueinfo (si_code SI_QUEUE, our value), whose handler turns SUD on and answers;
 *     the mapping syscall runs once all have answered (or after 200 ms: a thread exiting meanwhile).
 * /proc/self/task/TID/syscall tells the two apart (fs/proc/base.c: proc_pid_syscall; the number,
 * or -1 outside a syscall, then the stack pointer and the program counter). Turning it off is
 * lazy: each thread at its next hooked syscall. A thread created meanwhile reads the state in its
 * first instructions (sh_thread_child_start) after it appears in /proc/self/task.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

#include "internal.h"

#define SUD_OFF 0
#define SUD_TURNING_ON 1
#define SUD_ON 2
#define ANSWER_WAIT_NS 200000000ll

int sh_sud_state = SUD_ON;
static unsigned sh_sud_answers;
static siginfo_t sh_sud_notice; /* only the thread that turns it on writes it */

int sh_sud_wanted(void)
{
	return __atomic_load_n(&sh_sud_state, __ATOMIC_SEQ_CST) != SUD_OFF;
}

void sh_sud_sync_self(void)
{
	struct sh_thread *t = sh_thread_self();
	int want = sh_sud_wanted() && !t->untraced;

	if (t->sud_on != want)
		sh_thread_dispatch(want);
}

int sh_sud_is_notice(const void *siginfo)
{
	const siginfo_t *info = siginfo;

	return info->si_code == SI_QUEUE && info->si_value.sival_ptr == (void *)&sh_sud_notice &&
	       info->si_pid == sh_sud_notice.si_pid;
}

/* In the SIGSYS handler of a thread asked to turn SUD on. */
void sh_sud_answer_notice(void)
{
	sh_sud_sync_self();
	__atomic_add_fetch(&sh_sud_answers, 1, __ATOMIC_RELEASE);
}

static long parse_hex(const char *p)
{
	long v = 0;

	if (p[0] == '0' && p[1] == 'x')
		p += 2;
	for (;; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;

		if (d < 0)
			return v;
		v = v * 16 + d;
	}
}

/* Whether thread tid is blocked in a syscall made from the gate: it checks on its way back. */
static int returns_through_dispatcher(const char *tid)
{
	char path[64] = "/proc/self/task/", buf[256];
	int n = 16, i = 0;
	const char *last = 0;

	while (tid[i] && n < 50)
		path[n++] = tid[i++];
	for (const char *s = "/syscall"; *s;)
		path[n++] = *s++;
	path[n] = 0;
	if (sh_proc_read(path, buf, sizeof(buf)) <= 0 || buf[0] < '0' || buf[0] > '9')
		return 0; /* "running", or -1: not in a syscall */
	for (const char *p = buf; *p; p++)
		if (*p == ' ')
			last = p + 1;
	if (!last)
		return 0;
	uint64_t pc = (uint64_t)parse_hex(last);
	return pc > (uint64_t)(uintptr_t)bpftime_sh_gate_begin && pc <= (uint64_t)(uintptr_t)bpftime_sh_gate_end;
}

static long long now_ns(void)
{
	struct timespec ts;

	sh_raw2(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Asks every other thread that may run application code without passing the dispatcher. */
static void notify_others(void)
{
	long pid = sh_raw0(SYS_getpid), self = sh_raw0(SYS_gettid);
	unsigned sent = 0, base = __atomic_load_n(&sh_sud_answers, __ATOMIC_ACQUIRE);
	char buf[4096];
	long fd = sh_raw3(SYS_openat, AT_FDCWD, (long)"/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	sh_sud_notice.si_signo = SIGSYS;
	sh_sud_notice.si_code = SI_QUEUE;
	sh_sud_notice.si_pid = (pid_t)pid;
	sh_sud_notice.si_value.sival_ptr = (void *)&sh_sud_notice;
	for (;;) {
		long n = sh_raw3(SYS_getdents64, fd, (long)buf, sizeof(buf));

		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			long tid = 0;

			off += d->d_reclen;
			for (const char *c = d->d_name; *c >= '0' && *c <= '9'; c++)
				tid = tid * 10 + (*c - '0');
			if (tid <= 0 || tid == self || returns_through_dispatcher(d->d_name))
				continue;
			if (sh_raw4(SYS_rt_tgsigqueueinfo, pid, tid, SIGSYS, (long)&sh_sud_notice) == 0)
				sent++;
		}
	}
	sh_raw1(SYS_close, fd);
	long long deadline = now_ns() + ANSWER_WAIT_NS;
	while (__atomic_load_n(&sh_sud_answers, __ATOMIC_ACQUIRE) - base < sent && now_ns() < deadline)
		sh_raw0(SYS_sched_yield);
}

void sh_sud_require_all(void)
{
	int off = SUD_OFF;

	if (__atomic_load_n(&sh_sud_state, __ATOMIC_ACQUIRE) == SUD_ON)
		return;
	if (__atomic_compare_exchange_n(&sh_sud_state, &off, SUD_TURNING_ON, 0, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST)) {
		sh_fast_path_close(); /* its syscalls check the path on their way back instead */
		sh_sud_sync_self();
		notify_others();
		__atomic_store_n(&sh_sud_state, SUD_ON, __ATOMIC_SEQ_CST);
		sh_fast_path_close();
		return;
	}
	/* another thread is at it: the new code must not run before it is done */
	while (__atomic_load_n(&sh_sud_state, __ATOMIC_ACQUIRE) != SUD_ON)
		sh_raw0(SYS_sched_yield);
	sh_sud_sync_self();
}

/* Coverage is complete: from now on each thread drops SUD at its next hooked syscall. */
void sh_sud_release(void)
{
	int on = SUD_ON;

	if (__atomic_compare_exchange_n(&sh_sud_state, &on, SUD_OFF, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		sh_fast_path_update();
}
