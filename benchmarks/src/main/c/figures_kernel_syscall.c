#include "figures.h"
#include "map_commands.h"

#include <errno.h>

/* The kernel's bpf() map commands from userspace (map_commands.h says what one operation is). */

static int open_map(enum bpf_map_type type, void **state, char *why, size_t why_len)
{
	int err = map_commands_open((struct map_commands **)state, type, "", why, why_len);

	/* Root without CAP_BPF (a container) cannot measure the kernel: a skip, not a failure. */
	return err == -EPERM ? BENCH_SKIP : err;
}

static int open_array(void **state, char *why, size_t why_len)
{
	return open_map(BPF_MAP_TYPE_ARRAY, state, why, why_len);
}

static int open_hash(void **state, char *why, size_t why_len)
{
	return open_map(BPF_MAP_TYPE_HASH, state, why, why_len);
}

const struct bench_figure fig_kernel_syscall_lookup_array = {
	.name = "kernel.syscall.map_lookup.array",
	.needs_root = 1,
	.setup = open_array,
	.run = map_commands_lookup,
	.teardown = map_commands_teardown,
};

const struct bench_figure fig_kernel_syscall_lookup_hash = {
	.name = "kernel.syscall.map_lookup.hash",
	.needs_root = 1,
	.setup = open_hash,
	.run = map_commands_lookup,
	.teardown = map_commands_teardown,
};

const struct bench_figure fig_kernel_syscall_update_array = {
	.name = "kernel.syscall.map_update.array",
	.needs_root = 1,
	.setup = open_array,
	.run = map_commands_update,
	.teardown = map_commands_teardown,
};

const struct bench_figure fig_kernel_syscall_update_hash = {
	.name = "kernel.syscall.map_update.hash",
	.needs_root = 1,
	.setup = open_hash,
	.run = map_commands_update,
	.teardown = map_commands_teardown,
};
