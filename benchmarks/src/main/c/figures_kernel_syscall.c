#include "figures.h"
#include "kernel_bpf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Map shape of every syscall figure: u32 keys 0..ENTRIES-1 all present, u64 values; each op takes the next key. */
#define ENTRIES 1024

struct map_state {
	int fd;
	uint32_t key;
	uint64_t value;
	union bpf_attr attr;
};

static int open_map(enum bpf_map_type type, const char *type_name, void **state, char *why, size_t why_len)
{
	struct map_state *s = calloc(1, sizeof(*s));
	int err;

	if (!s) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	s->fd = kbpf_map_create(type, sizeof(s->key), sizeof(s->value), ENTRIES);
	if (s->fd < 0) {
		err = s->fd;
		free(s);
		snprintf(why, why_len, "bpf(BPF_MAP_CREATE, %s): %s", type_name, strerror(-err));
		/* Root without CAP_BPF (a container) cannot measure the kernel: a skip, not a failure. */
		return err == -EPERM ? BENCH_SKIP : err;
	}
	for (uint32_t key = 0; key < ENTRIES; key++) {
		uint64_t value = key;

		err = kbpf_map_update(s->fd, &key, &value, BPF_ANY);
		if (err) {
			snprintf(why, why_len, "bpf(BPF_MAP_UPDATE_ELEM, %s) while filling: %s", type_name, strerror(-err));
			close(s->fd);
			free(s);
			return err;
		}
	}
	s->attr.map_fd = (uint32_t)s->fd;
	s->attr.key = (uint64_t)(uintptr_t)&s->key;
	s->attr.value = (uint64_t)(uintptr_t)&s->value;
	s->attr.flags = BPF_ANY;
	*state = s;
	return 0;
}

static int open_array(void **state, char *why, size_t why_len)
{
	return open_map(BPF_MAP_TYPE_ARRAY, "array", state, why, why_len);
}

static int open_hash(void **state, char *why, size_t why_len)
{
	return open_map(BPF_MAP_TYPE_HASH, "hash", state, why, why_len);
}

static void close_map(void *state)
{
	struct map_state *s = state;

	close(s->fd);
	free(s);
}

static int repeat_command(struct map_state *s, int cmd, const char *cmd_name, uint64_t ops, char *why, size_t why_len)
{
	for (uint64_t i = 0; i < ops; i++) {
		long err;

		s->key = (uint32_t)(i % ENTRIES);
		s->value = i;
		err = kbpf(cmd, &s->attr, KBPF_MAP_ELEM_ATTR_SIZE);
		if (err) {
			snprintf(why, why_len, "bpf(%s) of key %u: %s", cmd_name, s->key, strerror((int)-err));
			return (int)err;
		}
	}
	return 0;
}

static int lookup(void *state, uint64_t ops, char *why, size_t why_len)
{
	return repeat_command(state, BPF_MAP_LOOKUP_ELEM, "BPF_MAP_LOOKUP_ELEM", ops, why, why_len);
}

static int update(void *state, uint64_t ops, char *why, size_t why_len)
{
	return repeat_command(state, BPF_MAP_UPDATE_ELEM, "BPF_MAP_UPDATE_ELEM", ops, why, why_len);
}

const struct bench_figure fig_kernel_syscall_lookup_array = {
	.name = "kernel.syscall.map_lookup.array",
	.needs_root = 1,
	.setup = open_array,
	.run = lookup,
	.teardown = close_map,
};

const struct bench_figure fig_kernel_syscall_lookup_hash = {
	.name = "kernel.syscall.map_lookup.hash",
	.needs_root = 1,
	.setup = open_hash,
	.run = lookup,
	.teardown = close_map,
};

const struct bench_figure fig_kernel_syscall_update_array = {
	.name = "kernel.syscall.map_update.array",
	.needs_root = 1,
	.setup = open_array,
	.run = update,
	.teardown = close_map,
};

const struct bench_figure fig_kernel_syscall_update_hash = {
	.name = "kernel.syscall.map_update.hash",
	.needs_root = 1,
	.setup = open_hash,
	.run = update,
	.teardown = close_map,
};
