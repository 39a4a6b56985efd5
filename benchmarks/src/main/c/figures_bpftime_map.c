#include "figures.h"
#include "probe_programs.h"
#include "two_cpus.h"

#include "bpftime_map.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

/*
 * What a map helper costs a program of bpftime: one operation is a call through a helper table
 * (the function pointer a JIT program's `call [table + 8 * id]` loads, jit/README.md) to a wrapper
 * that calls the maps library's generic entry (bpftime_map_lookup_elem / update / delete), the
 * call a BPF helper makes. The maps are the kernel figures' shape (kernel.prog.map_*): 2 entries,
 * u32 keys 0 and 1 present, u64 values, thread t working on key t, key and value in memory.
 * (What the JIT runs instead of an array lookup's call is timed by figures_jit_prog.c.)
 */

#define MAP_ENTRIES 2

typedef uint64_t (*helper_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);

/* The table entry, loaded at every call as JIT code does: the empty asm hides the value from gcc. */
static inline helper_fn helper(int id)
{
	helper_fn fn = (helper_fn)probe_helpers[id];

	__asm__ volatile("" : "+r"(fn));
	return fn;
}

enum map_op { OP_LOOKUP, OP_UPDATE, OP_DELETE };

struct map_thread {
	struct bpftime_map *map;
	enum map_op op;
	uint32_t key;
	uint64_t ops;
	long failed; /* the first failing call's result */
};

struct map_state {
	struct bpftime_map *map;
	int threads;
	struct map_thread thread[2];
	struct cpu_pair *pair; /* the second thread of a .2threads figure */
};

static void close_map(void *state)
{
	struct map_state *s = state;

	cpu_pair_stop(s->pair);
	bpftime_map_close(s->map);
	free(s);
}

static int work(void *arg);

static int open_map(uint32_t type, enum map_op op, int threads, void **state, char *why, size_t why_len)
{
	struct map_state *s;
	int err = figure_state_alloc(threads, sizeof(*s), (void **)&s, why, why_len);

	if (err)
		return err;
	err = bpftime_map_create(type, sizeof(uint32_t), sizeof(uint64_t), MAP_ENTRIES, 0, -1, 0, 0, "bench", &s->map);
	if (err) {
		snprintf(why, why_len, "bpftime_map_create(%s): %s", type == BPF_MAP_TYPE_HASH ? "hash" : "array",
			 strerror(-err));
		free(s);
		return err;
	}
	for (uint32_t key = 0; key < MAP_ENTRIES; key++) {
		uint64_t value = 0;
		long rc = bpftime_map_update_elem(s->map, &key, &value, BPF_ANY);

		if (rc) {
			snprintf(why, why_len, "bpftime_map_update_elem of key %u while filling: %s", key, strerror((int)-rc));
			close_map(s);
			return (int)rc;
		}
	}
	s->threads = threads;
	for (int t = 0; t < threads; t++) {
		s->thread[t] = (struct map_thread){ .map = s->map, .op = op, .key = (uint32_t)t };
	}
	if (threads == 2 && (err = cpu_pair_start(&s->pair, work, &s->thread[1]))) {
		snprintf(why, why_len, "starting the second thread: %s", strerror(-err));
		close_map(s);
		return err;
	}
	*state = s;
	return 0;
}

/*
 * One thread's operations, one loop per kind so that no dispatch is timed; the key and value live
 * in memory, as on a BPF program's stack. Stops at the first failing call.
 */
static int work(void *arg)
{
	struct map_thread *t = arg;
	uint64_t map = (uint64_t)(uintptr_t)t->map;
	uint32_t key = t->key;
	uint64_t value = 0;
	uint64_t k = (uint64_t)(uintptr_t)&key, v = (uint64_t)(uintptr_t)&value;
	long failed = 0;
	uint64_t i;

	switch (t->op) {
	case OP_LOOKUP:
		for (i = 0; i < t->ops && !failed; i++)
			if (!helper(BPF_FUNC_map_lookup_elem)(map, k, 0, 0, 0))
				failed = -ENOENT;
		break;
	case OP_UPDATE:
		for (i = 0; i < t->ops && !failed; i++) {
			value = i;
			failed = (long)helper(BPF_FUNC_map_update_elem)(map, k, v, BPF_ANY, 0);
		}
		break;
	case OP_DELETE:
		/* An update then a delete: net of bpftime.map.update.*, the delete (as on the kernel side). */
		for (i = 0; i < t->ops && !failed; i++) {
			failed = (long)helper(BPF_FUNC_map_update_elem)(map, k, v, BPF_ANY, 0);
			if (!failed)
				failed = (long)helper(BPF_FUNC_map_delete_elem)(map, k, 0, 0, 0);
		}
		break;
	}
	t->failed = failed;
	return failed ? -EINVAL : 0;
}

static int run_map(void *state, uint64_t ops, char *why, size_t why_len)
{
	static const char *const op_names[] = { "lookup", "update", "update+delete" };
	struct map_state *s = state;
	int err;

	for (int t = 0; t < s->threads; t++)
		s->thread[t].ops = ops;
	err = s->threads == 2 ? cpu_pair_run(s->pair, &s->thread[0]) : work(&s->thread[0]);
	for (int t = 0; t < s->threads && err; t++)
		if (s->thread[t].failed) {
			snprintf(why, why_len, "%s of key %u: actual %ld vs expected success", op_names[s->thread[t].op],
				 s->thread[t].key, s->thread[t].failed);
			return err;
		}
	if (err)
		snprintf(why, why_len, "running two threads: %s", strerror(-err));
	return err;
}

#define MAP_FIGURE(var, figure_name, kernel_name, baseline_name, type, op, threads) \
	static int open_##var(void **state, char *why, size_t why_len) \
	{ \
		return open_map(type, op, threads, state, why, why_len); \
	} \
	const struct bench_figure var = { \
		.name = figure_name, \
		.kernel = kernel_name, \
		.baseline = baseline_name, \
		.setup = open_##var, \
		.run = run_map, \
		.teardown = close_map, \
	}

MAP_FIGURE(fig_bpftime_map_lookup_array, "bpftime.map.lookup.array", "kernel.prog.map_lookup.array", NULL,
	   BPF_MAP_TYPE_ARRAY, OP_LOOKUP, 1);
MAP_FIGURE(fig_bpftime_map_lookup_array_2t, "bpftime.map.lookup.array.2threads",
	   "kernel.prog.map_lookup.array.2threads", NULL, BPF_MAP_TYPE_ARRAY, OP_LOOKUP, 2);
MAP_FIGURE(fig_bpftime_map_lookup_hash, "bpftime.map.lookup.hash", "kernel.prog.map_lookup.hash", NULL,
	   BPF_MAP_TYPE_HASH, OP_LOOKUP, 1);
MAP_FIGURE(fig_bpftime_map_lookup_hash_2t, "bpftime.map.lookup.hash.2threads", "kernel.prog.map_lookup.hash.2threads",
	   NULL, BPF_MAP_TYPE_HASH, OP_LOOKUP, 2);
MAP_FIGURE(fig_bpftime_map_update_array, "bpftime.map.update.array", "kernel.prog.map_update.array", NULL,
	   BPF_MAP_TYPE_ARRAY, OP_UPDATE, 1);
MAP_FIGURE(fig_bpftime_map_update_array_2t, "bpftime.map.update.array.2threads",
	   "kernel.prog.map_update.array.2threads", NULL, BPF_MAP_TYPE_ARRAY, OP_UPDATE, 2);
MAP_FIGURE(fig_bpftime_map_update_hash, "bpftime.map.update.hash", "kernel.prog.map_update.hash", NULL,
	   BPF_MAP_TYPE_HASH, OP_UPDATE, 1);
MAP_FIGURE(fig_bpftime_map_update_hash_2t, "bpftime.map.update.hash.2threads", "kernel.prog.map_update.hash.2threads",
	   NULL, BPF_MAP_TYPE_HASH, OP_UPDATE, 2);
MAP_FIGURE(fig_bpftime_map_delete_hash, "bpftime.map.delete.hash", "kernel.prog.map_delete.hash",
	   "bpftime.map.update.hash", BPF_MAP_TYPE_HASH, OP_DELETE, 1);
/* Two threads: the update+delete pair as it is, as on the kernel side. */
MAP_FIGURE(fig_bpftime_map_update_delete_hash_2t, "bpftime.map.update_delete.hash.2threads",
	   "kernel.prog.map_update_delete.hash.2threads", NULL, BPF_MAP_TYPE_HASH, OP_DELETE, 2);
