#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "raw_syscall.h"
#include "thread_state.h"

__thread struct probe_thread *probe_thread_self;
/* Set while this thread claims a slot: a probe hit inside the claim (mmap probed) is missed. */
static __thread int claiming;

static struct probe_thread *volatile slots[THREAD_SLOTS];
static uint32_t used; /* slots[0..used) were mapped at some time */

static void reset(struct probe_thread *t, pid_t tid)
{
	t->word = 0;
	t->depth = 0;
	t->hit = NULL;
	__atomic_store_n(&t->tid, tid, __ATOMIC_RELEASE);
}

int probe_thread_dead(pid_t tid)
{
	return raw_syscall6(SYS_tgkill, raw_syscall6(SYS_getpid, 0, 0, 0, 0, 0, 0), tid, 0, 0, 0, 0) == -ESRCH;
}

static struct probe_thread *claim_free(pid_t tid, int reclaim_dead)
{
	uint32_t n = __atomic_load_n(&used, __ATOMIC_ACQUIRE);
	for (uint32_t i = 0; i < n; i++) {
		struct probe_thread *t = slots[i];
		if (!t)
			continue;
		pid_t owner = t->tid;
		if (owner && !(reclaim_dead && !(t->word & 1) && probe_thread_dead(owner)))
			continue;
		if (__atomic_compare_exchange_n(&t->tid, &owner, tid, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			reset(t, tid);
			return t;
		}
	}
	return NULL;
}

static struct probe_thread *claim_new(pid_t tid)
{
	uint32_t i = __atomic_fetch_add(&used, 1, __ATOMIC_ACQ_REL);
	if (i >= THREAD_SLOTS) {
		__atomic_fetch_sub(&used, 1, __ATOMIC_ACQ_REL);
		return NULL;
	}
	long p = raw_syscall6(SYS_mmap, 0, sizeof(struct probe_thread), PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p < 0 && p > -4096) {
		slots[i] = NULL; /* the index stays used and empty */
		return NULL;
	}
	struct probe_thread *t = (struct probe_thread *)p;
	reset(t, tid);
	slots[i] = t;
	return t;
}

struct probe_thread *probe_thread_claim(void)
{
	if (claiming)
		return NULL;
	claiming = 1;
	pid_t tid = (pid_t)raw_syscall6(SYS_gettid, 0, 0, 0, 0, 0, 0);
	struct probe_thread *t = claim_free(tid, 0);
	if (!t)
		t = claim_new(tid);
	if (!t)
		t = claim_free(tid, 1);
	if (t)
		t->errno_ptr = &errno; /* a probe on __errno_location here is a miss (claiming) */
	probe_thread_self = t;
	claiming = 0;
	return t;
}

intptr_t probe_thread_self_tp_offset(void)
{
	uintptr_t tp;
	/* x86-64 TLS ABI: the word at fs:0 is the thread pointer itself (glibc's tcbhead_t.tcb). */
	__asm__("mov %%fs:0, %0" : "=r"(tp));
	return (intptr_t)((uintptr_t)&probe_thread_self - tp);
}

uint32_t probe_thread_count(void)
{
	uint32_t n = __atomic_load_n(&used, __ATOMIC_ACQUIRE);
	return n < THREAD_SLOTS ? n : THREAD_SLOTS;
}

struct probe_thread *probe_thread_at(uint32_t i)
{
	return slots[i];
}

/* In a child after fork only the forking thread exists: the others' slots are free (none of them
 * can be inside a program any more) and this thread's slot gets its new tid. */
static void after_fork_in_child(void)
{
	uint32_t n = probe_thread_count();
	pid_t tid = (pid_t)raw_syscall6(SYS_gettid, 0, 0, 0, 0, 0, 0);
	for (uint32_t i = 0; i < n; i++) {
		struct probe_thread *t = slots[i];
		if (t && t != probe_thread_self)
			reset(t, 0);
	}
	if (probe_thread_self)
		probe_thread_self->tid = tid;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_once(void)
{
	pthread_atfork(NULL, NULL, after_fork_in_child);
}

void probe_thread_init(void)
{
	pthread_once(&once, init_once);
}
