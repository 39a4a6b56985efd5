/* Shared by the workloads: the hand-written syscall sites and a failure report. */
#ifndef WORKLOAD_H
#define WORKLOAD_H

#include <stdio.h>
#include <stdlib.h>

long asm_raw_syscall(long nr, long a0, long a1, long a2);
unsigned asm_syscall_keeps_state(long nr);

/* A workload prints one line on success; a failed check prints why and exits 1. */
#define CHECK(cond, ...)                                                                \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                   \
			fprintf(stderr, "\n");                                          \
			exit(1);                                                        \
		}                                                                       \
	} while (0)

#endif
