/*
 * bpf() map commands from an application through the shim (libbpftime-syscall.so forwarding to the
 * service), timed exactly as figures_kernel_syscall.c times the kernel's: the same map shape, key
 * sequence and attr size. These figures measure only in a harness started with the shim preloaded
 * (scripts/bench.sh runs `LD_PRELOAD=.../libbpftime-syscall.so bpftime-bench bpftime.shim`).
 */
#include "figures.h"
#include "map_commands.h"

#include <stdlib.h>
#include <string.h>

#define WARM_UP_CALLS 30000
#define VIA " through the shim"

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
	struct map_commands *m;
	int err;

	if (!under_shim(why, why_len))
		return BENCH_SKIP;
	if ((err = map_commands_open(&m, type, VIA, why, why_len))) {
		strncat(why, " (see the runtime directory's shim.log)", why_len - strlen(why) - 1);
		return err;
	}
	/* A service runs for long: time it warm, its JIT done with the request path, not just started. */
	if ((err = map_commands_repeat(m, BPF_MAP_LOOKUP_ELEM, WARM_UP_CALLS, why, why_len))) {
		strncat(why, " while warming up", why_len - strlen(why) - 1);
		map_commands_close(m);
		return err;
	}
	*state = m;
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

const struct bench_figure fig_bpftime_shim_lookup_array = {
	.name = "bpftime.shim.map_lookup.array",
	.kernel = "kernel.syscall.map_lookup.array",
	.setup = open_array,
	.run = map_commands_lookup,
	.teardown = map_commands_teardown,
};

const struct bench_figure fig_bpftime_shim_lookup_hash = {
	.name = "bpftime.shim.map_lookup.hash",
	.kernel = "kernel.syscall.map_lookup.hash",
	.setup = open_hash,
	.run = map_commands_lookup,
	.teardown = map_commands_teardown,
};

const struct bench_figure fig_bpftime_shim_update_array = {
	.name = "bpftime.shim.map_update.array",
	.kernel = "kernel.syscall.map_update.array",
	.setup = open_array,
	.run = map_commands_update,
	.teardown = map_commands_teardown,
};

const struct bench_figure fig_bpftime_shim_update_hash = {
	.name = "bpftime.shim.map_update.hash",
	.kernel = "kernel.syscall.map_update.hash",
	.setup = open_hash,
	.run = map_commands_update,
	.teardown = map_commands_teardown,
};
