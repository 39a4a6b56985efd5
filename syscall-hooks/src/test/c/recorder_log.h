/*
 * The log the test preload writes and the Java tests read (RecorderLog.java): one file shared by
 * every process of a workload (MAP_SHARED survives fork; an exec-ed image maps it again). The
 * test creates it with the header filled in; records are appended with one atomic increment.
 * Little-endian, all fields naturally aligned.
 */
#ifndef RECORDER_LOG_H
#define RECORDER_LOG_H

#include <stdint.h>

#define RECORDER_MAGIC 0x474f4c4853465042ull /* "BPFSHLOG" */

struct recorder_header {
	uint64_t magic;
	uint64_t capacity; /* records the file holds after the header */
	uint64_t next;	   /* index of the next free record; may exceed capacity */
	uint64_t reserved[5];
};

enum recorder_kind {
	RECORD_ENTER = 1,   /* nr, values = the six arguments */
	RECORD_EXIT = 2,    /* nr, values[0] = the result */
	RECORD_INSTALL = 3, /* nr = install's result, values = objects scanned, sites found,
			       rewritten (jmp8), rewritten (displaced), left to the fallback, traps */
	RECORD_STATS = 4,   /* at exit: the same counters as RECORD_INSTALL */
	RECORD_BAD_REGS = 5, /* bpftime_syscall_hooks_regs disagreed with the callback's view:
				nr, values[0] = which check (see recorder_preload.c) */
	RECORD_COVERAGE = 6, /* right after each RECORD_INSTALL and RECORD_STATS: values = sites
				turned into ud2, Syscall User Dispatch needed (1) or not (0) */
};

struct recorder_record {
	uint32_t kind;
	int32_t tid;
	int64_t nr;
	int64_t values[6];
};

_Static_assert(sizeof(struct recorder_header) == 64, "header layout");
_Static_assert(sizeof(struct recorder_record) == 64, "record layout");

#endif
