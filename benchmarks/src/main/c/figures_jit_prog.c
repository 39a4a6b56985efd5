#include "figures.h"
#include "jit_image.h"
#include "kernel_prog.h"
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
 * sixteenth of a run, as on the kernel side; the lookup figure is net of the empty program's.
 */

struct jit_prog_state {
	struct bpftime_map *map;
	struct bpftime_array_view view;
	struct jit_code code;
	uint8_t ctx[64];
};

static int resolve(void *arg, uint32_t kind, int32_t key, uint64_t *value)
{
	struct jit_prog_state *s = arg;

	if (key != KERNEL_PROG_ARRAY_FD)
		return -ENOENT;
	if (kind == JIT_RELOC_MAP_FD)
		*value = (uint64_t)(uintptr_t)s->map;
	else if (kind == JIT_RELOC_MAP_VALUE)
		*value = (uint64_t)(uintptr_t)s->view.values;
	else
		return -ENOENT;
	return 0;
}

static void close_jit_prog(void *state)
{
	struct jit_prog_state *s = state;

	jit_code_unload(&s->code);
	if (s->map)
		bpftime_map_close(s->map);
	free(s);
}

static int open_jit_prog(const char *kind, void **state, char *why, size_t why_len)
{
	struct jit_prog_state *s = calloc(1, sizeof(*s));
	char path[4096];
	int err;

	if (!s) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
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
	if ((err = vm_output_path(kind, ".jit", path, sizeof(path)))) {
		snprintf(why, why_len, "the path of %s.jit: %s", kind, strerror(-err));
		goto fail;
	}
	if ((err = jit_code_load_linked(path, resolve, s, &s->code, why, why_len)))
		goto fail;
	*state = s;
	return 0;
fail:
	close_jit_prog(s);
	return err;
}

static int run_jit_prog(void *state, uint64_t ops, char *why, size_t why_len)
{
	struct jit_prog_state *s = state;
	uint64_t runs = (ops + KERNEL_PROG_OPS_PER_RUN - 1) / KERNEL_PROG_OPS_PER_RUN;

	for (uint64_t i = 0; i < runs; i++) {
		uint64_t r0 = s->code.entry(s->ctx, sizeof(s->ctx));

		if (r0 != 0) {
			snprintf(why, why_len, "program returned: actual %llu vs expected 0 (every lookup found its key)",
				 (unsigned long long)r0);
			return -EINVAL;
		}
	}
	return 0;
}

static int open_empty(void **state, char *why, size_t why_len)
{
	return open_jit_prog("empty_per16", state, why, why_len);
}

static int open_lookup_array(void **state, char *why, size_t why_len)
{
	return open_jit_prog("map_lookup_array", state, why, why_len);
}

const struct bench_figure fig_bpftime_jit_prog_empty_per16 = {
	.name = "bpftime.jit.prog.empty.per16",
	.setup = open_empty,
	.run = run_jit_prog,
	.teardown = close_jit_prog,
};

const struct bench_figure fig_bpftime_jit_prog_lookup_array = {
	.name = "bpftime.jit.prog.map_lookup.array",
	.kernel = "kernel.prog.map_lookup.array",
	.baseline = "bpftime.jit.prog.empty.per16",
	.setup = open_lookup_array,
	.run = run_jit_prog,
	.teardown = close_jit_prog,
};
