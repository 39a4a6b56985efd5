/*
 * The helpers about the current task (kernel/bpf/helpers.c, kernel/trace/bpf_trace.c): ids, the
 * uid and gid, comm, CPU, time, random numbers, signals. System calls are raw: the runtime's own,
 * never traced and leaving errno alone. GPR-only (helpers.mk): no libc call, the once-only work is
 * bpftime_helpers_init's (helpers_init.c).
 */
#include <errno.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>

#include "bpftime_map.h"
#include "helpers_internal.h"

/* Cached ids, valid while their generation equals the process's (a fork starts a new one). */
static uint32_t generation = 1;
static uint32_t cached_tgid, cached_tgid_gen;
static __thread uint32_t cached_tid, cached_tid_gen;

void helper_after_fork_child(void)
{
	__atomic_fetch_add(&generation, 1, __ATOMIC_RELAXED);
}

uint32_t helper_tid(void)
{
	uint32_t g = __atomic_load_n(&generation, __ATOMIC_RELAXED);
	if (__builtin_expect(cached_tid_gen != g, 0)) {
		cached_tid = (uint32_t)helper_syscall(SYS_gettid, 0, 0, 0, 0, 0);
		cached_tid_gen = g;
	}
	return cached_tid;
}

uint32_t helper_tgid(void)
{
	uint32_t g = __atomic_load_n(&generation, __ATOMIC_RELAXED);
	if (__builtin_expect(__atomic_load_n(&cached_tgid_gen, __ATOMIC_ACQUIRE) != g, 0)) {
		__atomic_store_n(&cached_tgid, (uint32_t)helper_syscall(SYS_getpid, 0, 0, 0, 0, 0), __ATOMIC_RELAXED);
		__atomic_store_n(&cached_tgid_gen, g, __ATOMIC_RELEASE);
	}
	return __atomic_load_n(&cached_tgid, __ATOMIC_RELAXED);
}

/* bpf_get_current_pid_tgid: tgid << 32 | pid (the thread's id). */
HELPER(get_current_pid_tgid)
{
	return (uint64_t)helper_tgid() << 32 | helper_tid();
}

/* bpf_get_current_uid_gid: the real gid << 32 | the real uid (current_uid/current_gid). */
HELPER(get_current_uid_gid)
{
	uint64_t uid = (uint32_t)helper_syscall(SYS_getuid, 0, 0, 0, 0, 0);
	uint64_t gid = (uint32_t)helper_syscall(SYS_getgid, 0, 0, 0, 0, 0);
	return gid << 32 | uid;
}

/*
 * bpf_get_current_comm(buf, size): strscpy_pad of task->comm, 0. The thread's comm is asked of the
 * kernel each time (one PR_GET_NAME), so a prctl(PR_SET_NAME), pthread_setname_np or a write to
 * /proc/self/task/TID/comm shows at once.
 */
HELPER(get_current_comm)
{
	char *buf = PTR(r1);
	uint64_t size = r2;
	char comm[16];
	if (size == 0)
		return (uint64_t)-EINVAL;
	bpftime_gpr_zero(comm, sizeof(comm));
	if (helper_syscall(SYS_prctl, PR_GET_NAME, (long)comm, 0, 0, 0) < 0) {
		bpftime_gpr_zero(buf, size);
		return (uint64_t)-EINVAL;
	}
	comm[15] = 0;
	uint64_t len = 0;
	while (len < size - 1 && comm[len])
		len++;
	bpftime_gpr_copy(buf, comm, len);
	bpftime_gpr_zero(buf + len, size - len);
	return 0;
}

/* bpf_get_smp_processor_id: the per-CPU slot the maps use for this thread. */
HELPER(get_smp_processor_id)
{
	return bpftime_current_cpu_slot_ready(); /* bpftime_helpers_init ran bpftime_possible_cpus */
}

/* The vDSO's clock_gettime itself, not glibc's wrapper (no system call, -errno on failure); a raw
 * clock_gettime(2) where there is none. */
static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts = { 0, 0 };
	int (*vdso)(long, void *) = __atomic_load_n(&helper_vdso_clock_gettime, __ATOMIC_ACQUIRE);
	if (vdso)
		vdso(id, &ts);
	else
		helper_syscall(SYS_clock_gettime, id, (long)&ts, 0, 0, 0);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* bpf_ktime_get_ns: ktime_get_mono_fast_ns, CLOCK_MONOTONIC. */
HELPER(ktime_get_ns)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* bpf_ktime_get_boot_ns: ktime_get_boot_fast_ns, CLOCK_BOOTTIME. */
HELPER(ktime_get_boot_ns)
{
	return clock_ns(CLOCK_BOOTTIME);
}

/* bpf_ktime_get_coarse_ns: ktime_get_coarse_ns, CLOCK_MONOTONIC_COARSE. */
HELPER(ktime_get_coarse_ns)
{
	return clock_ns(CLOCK_MONOTONIC_COARSE);
}

/* bpf_get_prandom_u32: a per-thread generator (the kernel's is per CPU), seeded from the clock,
 * the thread and the state's address. xorshift64*. */
static __thread uint64_t prandom_state;

HELPER(get_prandom_u32)
{
	uint64_t x = prandom_state;
	if (__builtin_expect(x == 0, 0)) {
		x = clock_ns(CLOCK_MONOTONIC) ^ ((uint64_t)helper_tid() << 32) ^ (uint64_t)(uintptr_t)&prandom_state;
		x |= 1;
	}
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	prandom_state = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1Dull) >> 32);
}

/* bpf_send_signal_common: -EINVAL for a signal above _NSIG, else the signal to the process
 * (bpf_send_signal) or the thread (bpf_send_signal_thread). */
static uint64_t send_signal(uint64_t sig, int thread)
{
	if (sig > 64)
		return (uint64_t)-EINVAL;
	long rc = thread ? helper_syscall(SYS_tgkill, helper_tgid(), helper_tid(), (long)sig, 0, 0)
			 : helper_syscall(SYS_kill, helper_tgid(), (long)sig, 0, 0, 0);
	return (uint64_t)rc;
}

HELPER(send_signal)
{
	return send_signal((uint32_t)r1, 0);
}

HELPER(send_signal_thread)
{
	return send_signal((uint32_t)r1, 1);
}
