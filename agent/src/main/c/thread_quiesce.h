/*
 * Knowing when no other thread is stopped between the instructions a jump is about to replace.
 *
 * Once an int3 guards the first byte of a site, new arrivals are diverted by the SIGTRAP handler;
 * only a thread that was already past the first instruction (preempted, or blocked in a system
 * call among the displaced instructions) could resume in the middle of the future jump. The kernel
 * waits for such tasks (synchronize_rcu_tasks) before it optimizes a kprobe into a jump, and does
 * so later, from a worker (kernel/kprobes.c optimize_kprobe, kprobe_optimizer). From user space the
 * engine reads each thread's state in /proc: a thread blocked in the kernel shows the user pc it
 * will resume at in /proc/self/task/TID/syscall; a runnable thread is past the bytes once it has
 * run long enough to have executed a few straight-line instructions (the range holds no branch
 * target, probe_plan.c), which its CPU time in /proc/self/task/TID/schedstat tells.
 */
#ifndef BPFTIME_THREAD_QUIESCE_H
#define BPFTIME_THREAD_QUIESCE_H

#include <stdint.h>

struct quiesce;

/* Starts watching every other thread of the process for [lo, hi). 0 or -errno. */
int quiesce_begin(uintptr_t lo, uintptr_t hi, struct quiesce **out);
/* 1 when no watched thread can resume inside the range any more, 0 while one may. */
int quiesce_check(struct quiesce *q);
void quiesce_end(struct quiesce *q);

#endif
