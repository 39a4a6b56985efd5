/*
 * Two-thread figures: the same work on two CPUs at once, each thread pinned to its own CPU so that
 * the figure is two CPUs contending for one map (cache lines, locks), not two threads taking turns
 * on one CPU. The second thread lives as long as the figure, so a run does not pay a thread start.
 */
#ifndef TWO_CPUS_H
#define TWO_CPUS_H

#include <sched.h>
#include <stddef.h>

/* 0 when this process may run on two CPUs, else BENCH_SKIP with the reason in why. */
int two_cpus_available(char *why, size_t why_len);

/*
 * The zeroed state (size bytes) of a figure that runs on threads (1 or 2) threads, once two CPUs are
 * there for 2: 0, BENCH_SKIP or -ENOMEM with the reason in why.
 */
int figure_state_alloc(int threads, size_t size, void **out, char *why, size_t why_len);

struct cpu_pair;

/*
 * Starts the second thread, pinned to the process's second CPU, to run work(arg1) at each
 * cpu_pair_run; 0 or -errno.
 */
int cpu_pair_start(struct cpu_pair **out, int (*work)(void *arg), void *arg1);

/*
 * Runs work(arg0) on the calling thread, pinned to the process's first CPU, while the second thread
 * runs work(arg1), and waits for both; restores the caller's CPU mask. Returns the first nonzero
 * result of the two (a negative errno), 0 when both returned 0.
 */
int cpu_pair_run(struct cpu_pair *pair, void *arg0);

/* Ends the second thread. */
void cpu_pair_stop(struct cpu_pair *pair);

/*
 * Pins the calling thread to the index-th CPU (0 or 1) of the process's CPUs, first saving its
 * mask in *saved when saved is not NULL; 0 or -errno. restore_cpus gives the saved mask back.
 */
int pin_to_cpu_index(int index, cpu_set_t *saved);
void restore_cpus(const cpu_set_t *saved);

#endif
