#define _GNU_SOURCE
#include "two_cpus.h"
#include "bench.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The numbers of the first two CPUs the process may use (-1 when it may use fewer), read once, before
 * any figure pins a thread: the calling thread's mask is the process's then.
 */
static void first_two_cpus(int cpus[2])
{
	static int known, first[2] = { -1, -1 };
	cpu_set_t mask;
	int found = 0;

	if (!known && sched_getaffinity(0, sizeof(mask), &mask) == 0)
		for (int cpu = 0; cpu < CPU_SETSIZE && found < 2; cpu++)
			if (CPU_ISSET(cpu, &mask))
				first[found++] = cpu;
	known = 1;
	cpus[0] = first[0];
	cpus[1] = first[1];
}

int two_cpus_available(char *why, size_t why_len)
{
	int cpus[2];

	first_two_cpus(cpus);
	if (cpus[1] >= 0)
		return 0;
	snprintf(why, why_len, "needs two CPUs; this process may run on %s", cpus[0] >= 0 ? "one" : "none it can read");
	return BENCH_SKIP;
}

int figure_state_alloc(int threads, size_t size, void **out, char *why, size_t why_len)
{
	int err = threads == 2 ? two_cpus_available(why, why_len) : 0;

	if (err)
		return err;
	*out = calloc(1, size);
	if (!*out) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

int pin_to_cpu_index(int index, cpu_set_t *saved)
{
	cpu_set_t one;
	int cpus[2];

	first_two_cpus(cpus);
	if (index < 0 || index > 1 || cpus[index] < 0)
		return -EINVAL;
	if (saved && pthread_getaffinity_np(pthread_self(), sizeof(*saved), saved) != 0)
		return -EINVAL;
	CPU_ZERO(&one);
	CPU_SET(cpus[index], &one);
	return -pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
}

void restore_cpus(const cpu_set_t *saved)
{
	pthread_setaffinity_np(pthread_self(), sizeof(*saved), saved);
}

struct cpu_pair {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int (*work)(void *arg);
	void *arg;
	unsigned long started, finished; /* runs asked of the second thread, runs it completed */
	int stop;
	int result;
};

static void *second_thread(void *p)
{
	struct cpu_pair *pair = p;
	int pinned = pin_to_cpu_index(1, NULL);

	pthread_mutex_lock(&pair->lock);
	for (;;) {
		while (!pair->stop && pair->finished == pair->started)
			pthread_cond_wait(&pair->changed, &pair->lock);
		if (pair->stop)
			break;
		pthread_mutex_unlock(&pair->lock);
		int result = pinned ? pinned : pair->work(pair->arg);
		pthread_mutex_lock(&pair->lock);
		pair->result = result;
		pair->finished++;
		pthread_cond_broadcast(&pair->changed);
	}
	pthread_mutex_unlock(&pair->lock);
	return NULL;
}

int cpu_pair_start(struct cpu_pair **out, int (*work)(void *arg), void *arg1)
{
	struct cpu_pair *pair = calloc(1, sizeof(*pair));
	int err;

	if (!pair)
		return -ENOMEM;
	pair->work = work;
	pair->arg = arg1;
	pthread_mutex_init(&pair->lock, NULL);
	pthread_cond_init(&pair->changed, NULL);
	err = pthread_create(&pair->thread, NULL, second_thread, pair);
	if (err) {
		pthread_cond_destroy(&pair->changed);
		pthread_mutex_destroy(&pair->lock);
		free(pair);
		return -err;
	}
	*out = pair;
	return 0;
}

int cpu_pair_run(struct cpu_pair *pair, void *arg0)
{
	cpu_set_t saved;
	int result = pin_to_cpu_index(0, &saved);

	if (result)
		return result;
	pthread_mutex_lock(&pair->lock);
	pair->started++;
	pthread_cond_broadcast(&pair->changed);
	pthread_mutex_unlock(&pair->lock);

	result = pair->work(arg0);

	pthread_mutex_lock(&pair->lock);
	while (pair->finished != pair->started)
		pthread_cond_wait(&pair->changed, &pair->lock);
	if (!result)
		result = pair->result;
	pthread_mutex_unlock(&pair->lock);
	restore_cpus(&saved);
	return result;
}

void cpu_pair_stop(struct cpu_pair *pair)
{
	if (!pair)
		return;
	pthread_mutex_lock(&pair->lock);
	pair->stop = 1;
	pthread_cond_broadcast(&pair->changed);
	pthread_mutex_unlock(&pair->lock);
	pthread_join(pair->thread, NULL);
	pthread_cond_destroy(&pair->changed);
	pthread_mutex_destroy(&pair->lock);
	free(pair);
}
