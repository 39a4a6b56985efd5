#include <time.h>

#include "cpu_sync.h"
#include "grace_period.h"
#include "thread_state.h"

/* Called with the engine lock held: one writer at a time. */
static uint64_t snapshot[THREAD_SLOTS];
static pid_t owners[THREAD_SLOTS];

void grace_period_wait(void)
{
	grace_period_wait_except(0);
}

void grace_period_wait_except(pid_t parked)
{
	cpu_sync_memory();
	uint32_t n = probe_thread_count();
	for (uint32_t i = 0; i < n; i++) {
		struct probe_thread *t = probe_thread_at(i);
		owners[i] = t ? t->tid : 0;
		snapshot[i] = t ? t->word : 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct probe_thread *t = probe_thread_at(i);
		if (!owners[i] || owners[i] == parked || !(snapshot[i] & 1))
			continue;
		/* An odd word that changed means that read section ended (+1) or a later one began. */
		for (unsigned spins = 0; t->word == snapshot[i] && t->tid == owners[i]; spins++) {
			if (spins % 64 == 63 && probe_thread_dead(owners[i]))
				break;
			struct timespec ts = { 0, spins < 16 ? 1000 : 50000 };
			nanosleep(&ts, NULL);
		}
	}
}
