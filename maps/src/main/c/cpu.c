/*
 * Which per-CPU slot a thread writes, and who the calling thread is (the owner id in lock words).
 * "Per-CPU" means per possible CPU as libbpf counts them (libbpf_num_possible_cpus() parses
 * /sys/devices/system/cpu/possible): slot i is the i-th possible CPU, the order in which the
 * kernel copies per-CPU values for_each_possible_cpu().
 */
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpftime_gpr_only.h"
#include "map_internal.h"

#define MAX_CPU_IDS 8192

static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;
/* Set once parse_possible ran: then the hot paths below call nothing (no pthread_once, a glibc
 * function); a map handle exists only after it ran (bpftime_map_open), and the agent's helpers run
 * it at start (bpftime_helpers_init). */
static int cpus_known;
static uint32_t possible_count = 1;
/* slot of each CPU id; NULL when the possible CPUs are 0..n-1, the usual case */
static uint16_t *slot_of_cpu;
/* initial-exec: no __tls_get_addr call (a glibc function) on the hot path */
static __thread uint32_t cached_tid __attribute__((tls_model("initial-exec")));

static void forget_tid_in_child(void)
{
	cached_tid = 0;
}

static void parse_possible(void)
{
	static unsigned char present[MAX_CPU_IDS];
	char buf[4096];
	FILE *f = fopen("/sys/devices/system/cpu/possible", "re");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = 0;
	uint32_t count = 0, highest = 0;
	for (char *p = buf; *p && *p != '\n';) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;
		if (end == p)
			break;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		for (long c = lo; c <= hi && c < MAX_CPU_IDS; c++) {
			if (c >= 0 && !present[c]) {
				present[c] = 1;
				count++;
				if ((uint32_t)c > highest)
					highest = (uint32_t)c;
			}
		}
		p = (*end == ',') ? end + 1 : end;
	}
	if (count == 0) {
		long online = sysconf(_SC_NPROCESSORS_CONF);
		count = online > 0 ? (uint32_t)online : 1;
		highest = count - 1;
		for (uint32_t c = 0; c < count && c < MAX_CPU_IDS; c++)
			present[c] = 1;
	}
	possible_count = count;
	if (highest + 1 != count) {
		slot_of_cpu = calloc(MAX_CPU_IDS, sizeof(*slot_of_cpu));
		if (slot_of_cpu) {
			uint16_t slot = 0;
			for (uint32_t c = 0; c < MAX_CPU_IDS; c++)
				slot_of_cpu[c] = present[c] ? slot++ : 0;
		}
	}
	pthread_atfork(NULL, NULL, forget_tid_in_child);
	__atomic_store_n(&cpus_known, 1, __ATOMIC_RELEASE);
}

uint32_t bpftime_possible_cpus(void)
{
	if (UNLIKELY(!__atomic_load_n(&cpus_known, __ATOMIC_ACQUIRE)))
		pthread_once(&cpu_once, parse_possible);
	return possible_count;
}

/* glibc >= 2.35 registers rseq for every thread and says where: the kernel keeps the current CPU
 * at offset 4 of struct rseq (include/uapi/linux/rseq.h), so it is one load, no call. */
extern const ptrdiff_t __rseq_offset __attribute__((weak));
extern const unsigned int __rseq_size __attribute__((weak));

static inline int current_cpu(void)
{
	if (LIKELY(&__rseq_size != NULL && __rseq_size != 0)) {
		int cpu = *(volatile int *)((char *)__builtin_thread_pointer() + __rseq_offset + 4);
		if (LIKELY(cpu >= 0))
			return cpu;
	}
	/* no rseq (GLIBC_TUNABLES=glibc.pthread.rseq=0, an old glibc): getcpu(2), raw */
	unsigned int cpu = 0;
	if (bpftime_raw_syscall(SYS_getcpu, (long)&cpu, 0, 0, 0, 0) < 0)
		return -1;
	return (int)cpu;
}

uint32_t cpu_slot(void)
{
	int cpu = current_cpu();
	if (UNLIKELY(cpu < 0))
		return 0;
	if (UNLIKELY(slot_of_cpu != NULL))
		return cpu < MAX_CPU_IDS ? slot_of_cpu[cpu] : 0;
	return (uint32_t)cpu < possible_count ? (uint32_t)cpu : (uint32_t)cpu % possible_count;
}

uint32_t bpftime_current_cpu_slot(void)
{
	bpftime_possible_cpus();
	return cpu_slot();
}

uint32_t bpftime_current_cpu_slot_ready(void)
{
	return cpu_slot();
}

/* Only with a map open, so parse_possible ran and registered the fork handler that resets the cache. */
uint32_t self_tid(void)
{
	if (UNLIKELY(cached_tid == 0)) {
		cached_tid = (uint32_t)bpftime_raw_syscall(SYS_gettid, 0, 0, 0, 0, 0);
	}
	return cached_tid;
}
