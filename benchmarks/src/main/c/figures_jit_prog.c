#include "figures.h"
#include "jit_image.h"
#include "kernel_prog.h"
#include "two_cpus.h"
#include "vm_suite.h"

#include "bpftime_map.h"
#include "bpftime_map_inline.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

/*
 * The kernel figures' programs (kernel.prog.empty.per16, kernel.prog.map_lookup.array: the same
 * instructions, kernel_prog.h) compiled by our JIT at build time (benchmarks' JitImages, told what the
 * map is as the service is) and run as JIT code on a bpftime array of the same shape: 16 lookups of
 * the thread's key per run, each checked, the run returning 0 only when all found it. The JIT inlines
 * each lookup as the kernel's verifier does, so the image's only map relocations are the map's address
 * (the lddw) and its values' address; this figure links them as the agent does. One operation is a
 * sixteenth of a run, as on the kernel side; the lookup figures are net of the empty program's. The
 * .2threads figures run thread t's program (key t) on two CPUs at once on one map, as the kernel's.
 */

struct jit_thread {
	struct bpftime_jit_image *image;
	bpftime_jit_fn entry;
	uint64_t ops;
	uint64_t bad_r0; /* the first failing run's result */
	int failed;
	uint8_t ctx[64];
};

struct jit_prog_state {
	struct bpftime_map *map;
	struct bpftime_array_view view;
	int threads;
	struct jit_thread thread[2];
	struct cpu_pair *pair;
};

static int resolve(void *arg, uint32_t kind, int32_t key, uint64_t *value)
{
	struct jit_prog_state *s = arg;

	if (key != KERNEL_PROG_ARRAY_FD)
		return -ENOENT;
	if (kind == BPFTIME_JIT_RELOC_MAP_FD)
		*value = (uint64_t)(uintptr_t)s->map;
	else if (kind == BPFTIME_JIT_RELOC_MAP_VALUE)
		*value = (uint64_t)(uintptr_t)s->view.values;
	else
		return -ENOENT;
	return 0;
}

static void close_jit_prog(void *state)
{
	struct jit_prog_state *s = state;

	cpu_pair_stop(s->pair);
	for (int t = 0; t < 2; t++)
		bpftime_jit_image_free(s->thread[t].image);
	if (s->map)
		bpftime_map_close(s->map);
	free(s);
}

/* One thread's runs: ops operations, 16 per run. */
static int work(void *arg)
{
	struct jit_thread *t = arg;
	uint64_t runs = (t->ops + KERNEL_PROG_OPS_PER_RUN - 1) / KERNEL_PROG_OPS_PER_RUN;

	for (uint64_t i = 0; i < runs; i++) {
		uint64_t r0 = t->entry(t->ctx, sizeof(t->ctx));

		if (r0 != 0) {
			t->bad_r0 = r0;
			t->failed = 1;
			return -EINVAL;
		}
	}
	return 0;
}

static int open_jit_prog(const char *const kinds[2], int threads, void **state, char *why, size_t why_len)
{
	struct jit_prog_state *s;
	char path[4096];
	int err = threads == 2 ? two_cpus_available(why, why_len) : 0;

	if (err)
		return err;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	s->threads = threads;
	err = bpftime_map_create(BPF_MAP_TYPE_ARRAY, sizeof(uint32_t), sizeof(uint64_t), KERNEL_PROG_MAP_ENTRIES, 0, -1,
				 0, 0, "bench", &s->map);
	if (err) {
		snprintf(why, why_len, "bpftime_map_create(array): %s", strerror(-err));
		goto fail;
	}
	if ((err = bpftime_array_view(s->map, &s->view))) {
		snprintf(why, why_len, "bpftime_array_view: %s", strerror(-err));
		goto fail;
	}
	for (int t = 0; t < threads; t++) {
		if ((err = vm_output_path(kinds[t], ".jit", path, sizeof(path)))) {
			snprintf(why, why_len, "the path of %s.jit: %s", kinds[t], strerror(-err));
			goto fail;
		}
		if ((err = jit_image_file_load(path, NULL, 0, resolve, s, &s->thread[t].image, why, why_len)))
			goto fail;
		s->thread[t].entry = bpftime_jit_image_entry(s->thread[t].image);
	}
	if (threads == 2 && (err = cpu_pair_start(&s->pair, work, &s->thread[1]))) {
		snprintf(why, why_len, "starting the second thread: %s", strerror(-err));
		goto fail;
	}
	*state = s;
	return 0;
fail:
	close_jit_prog(s);
	return err;
}

static int run_jit_prog(void *state, uint64_t ops, char *why, size_t why_len)
{
	struct jit_prog_state *s = state;
	int err;

	for (int t = 0; t < s->threads; t++)
		s->thread[t] = (struct jit_thread){ .image = s->thread[t].image, .entry = s->thread[t].entry, .ops = ops };
	err = s->threads == 2 ? cpu_pair_run(s->pair, &s->thread[0]) : work(&s->thread[0]);
	for (int t = 0; t < s->threads && err; t++)
		if (s->thread[t].failed) {
			snprintf(why, why_len, "program of thread %d returned: actual %llu vs expected 0 (every lookup "
				 "found its key)", t, (unsigned long long)s->thread[t].bad_r0);
			return err;
		}
	if (err)
		snprintf(why, why_len, "running two threads: %s", strerror(-err));
	return err;
}

static const char *const empty_kinds[2] = { "empty_per16", "empty_per16" };
static const char *const lookup_kinds[2] = { "map_lookup_array", "map_lookup_array_key1" };

#define JIT_PROG_FIGURE(var, figure_name, kinds, threads, kernel_name, baseline_name) \
	static int open_##var(void **state, char *why, size_t why_len) \
	{ \
		return open_jit_prog(kinds, threads, state, why, why_len); \
	} \
	const struct bench_figure var = { \
		.name = figure_name, \
		.kernel = kernel_name, \
		.baseline = baseline_name, \
		.setup = open_##var, \
		.run = run_jit_prog, \
		.teardown = close_jit_prog, \
	}

JIT_PROG_FIGURE(fig_bpftime_jit_prog_empty_per16, "bpftime.jit.prog.empty.per16", empty_kinds, 1, NULL, NULL);
JIT_PROG_FIGURE(fig_bpftime_jit_prog_lookup_array, "bpftime.jit.prog.map_lookup.array", lookup_kinds, 1,
		"kernel.prog.map_lookup.array", "bpftime.jit.prog.empty.per16");
JIT_PROG_FIGURE(fig_bpftime_jit_prog_empty_per16_2t, "bpftime.jit.prog.empty.per16.2threads", empty_kinds, 2, NULL,
		NULL);
JIT_PROG_FIGURE(fig_bpftime_jit_prog_lookup_array_2t, "bpftime.jit.prog.map_lookup.array.2threads", lookup_kinds, 2,
		"kernel.prog.map_lookup.array.2threads", "bpftime.jit.prog.empty.per16.2threads");
