/*
 * bpf() map commands from an application through the shim (libbpftime-syscall.so forwarding to the
 * service), timed exactly as figures_kernel_syscall.c times the kernel's: the same map shape, key
 * sequence and attr size. These figures measure only in a harness started with the shim preloaded
 * (scripts/bench.sh runs `LD_PRELOAD=.../libbpftime-syscall.so bpftime-bench bpftime.shim`).
 */
#include "figures.h"
#include "kernel_bpf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ENTRIES 1024
#define WARM_UP_CALLS 30000

struct shim_map {
	int fd;
	uint32_t key;
	uint64_t value;
	union bpf_attr attr;
};

static int under_shim(char *why, size_t why_len)
{
	const char *preload = getenv("LD_PRELOAD");

	if (!preload || !strstr(preload, "libbpftime-syscall")) {
		snprintf(why, why_len, "measured only with the shim preloaded (scripts/bench.sh runs these figures so)");
		return 0;
	}
	return 1;
}

static int open_map(enum bpf_map_type type, void **state, char *why, size_t why_len)
{
	struct shim_map *s;
	int err;

	if (!under_shim(why, why_len))
		return BENCH_SKIP;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	s->fd = kbpf_map_create(type, sizeof(s->key), sizeof(s->value), ENTRIES);
	if (s->fd < 0) {
		err = s->fd;
		free(s);
		snprintf(why, why_len, "bpf(BPF_MAP_CREATE) through the shim: %s (see the runtime directory's shim.log)",
			 strerror(-err));
		return err;
	}
	for (uint32_t key = 0; key < ENTRIES; key++) {
		uint64_t value = key;

		err = kbpf_map_update(s->fd, &key, &value, BPF_ANY);
		if (err) {
			snprintf(why, why_len, "bpf(BPF_MAP_UPDATE_ELEM) through the shim while filling: %s", strerror(-err));
			close(s->fd);
			free(s);
			return err;
		}
	}
	s->attr.map_fd = (uint32_t)s->fd;
	s->attr.key = (uint64_t)(uintptr_t)&s->key;
	s->attr.value = (uint64_t)(uintptr_t)&s->value;
	s->attr.flags = BPF_ANY;
	/* A service runs for long: time it warm, its JIT done with the request path, not just started. */
	for (uint32_t i = 0; i < WARM_UP_CALLS; i++) {
		s->key = i % ENTRIES;
		err = (int)kbpf(BPF_MAP_LOOKUP_ELEM, &s->attr, KBPF_MAP_ELEM_ATTR_SIZE);
		if (err) {
			snprintf(why, why_len, "bpf(BPF_MAP_LOOKUP_ELEM) through the shim while warming up: %s", strerror(-err));
			close(s->fd);
			free(s);
			return err;
		}
	}
	*state = s;
	return 0;
}

static int open_array(void **state, char *why, size_t why_len)
{
	return open_map(BPF_MAP_TYPE_ARRAY, state, why, why_len);
}

static int open_hash(void **state, char *why, size_t why_len)
{
	return open_map(BPF_MAP_TYPE_HASH, state, why, why_len);
}

static void close_map(void *state)
{
	struct shim_map *s = state;

	close(s->fd);
	free(s);
}

static int repeat_command(struct shim_map *s, int cmd, uint64_t ops, char *why, size_t why_len)
{
	for (uint64_t i = 0; i < ops; i++) {
		long err;

		s->key = (uint32_t)(i % ENTRIES);
		s->value = i;
		err = kbpf(cmd, &s->attr, KBPF_MAP_ELEM_ATTR_SIZE);
		if (err) {
			snprintf(why, why_len, "bpf(%d) of key %u through the shim: %s", cmd, s->key, strerror((int)-err));
			return (int)err;
		}
	}
	return 0;
}

static int lookup(void *state, uint64_t ops, char *why, size_t why_len)
{
	return repeat_command(state, BPF_MAP_LOOKUP_ELEM, ops, why, why_len);
}

static int update(void *state, uint64_t ops, char *why, size_t why_len)
{
	return repeat_command(state, BPF_MAP_UPDATE_ELEM, ops, why, why_len);
}

const struct bench_figure fig_bpftime_shim_lookup_array = {
	.name = "bpftime.shim.map_lookup.array",
	.kernel = "kernel.syscall.map_lookup.array",
	.setup = open_array,
	.run = lookup,
	.teardown = close_map,
};

const struct bench_figure fig_bpftime_shim_lookup_hash = {
	.name = "bpftime.shim.map_lookup.hash",
	.kernel = "kernel.syscall.map_lookup.hash",
	.setup = open_hash,
	.run = lookup,
	.teardown = close_map,
};

const struct bench_figure fig_bpftime_shim_update_array = {
	.name = "bpftime.shim.map_update.array",
	.kernel = "kernel.syscall.map_update.array",
	.setup = open_array,
	.run = update,
	.teardown = close_map,
};

const struct bench_figure fig_bpftime_shim_update_hash = {
	.name = "bpftime.shim.map_update.hash",
	.kernel = "kernel.syscall.map_update.hash",
	.setup = open_hash,
	.run = update,
	.teardown = close_map,
};
