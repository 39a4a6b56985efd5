#include "map_commands.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *type_name(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_HASH ? "hash" : type == BPF_MAP_TYPE_ARRAY ? "array" : "map";
}

int map_commands_open(struct map_commands **out, enum bpf_map_type type, const char *via, char *why, size_t why_len)
{
	struct map_commands *m = calloc(1, sizeof(*m));
	int err;

	if (!m) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	m->via = via;
	m->fd = kbpf_map_create(type, sizeof(m->key), sizeof(m->value), MAP_COMMANDS_ENTRIES);
	if (m->fd < 0) {
		err = m->fd;
		snprintf(why, why_len, "bpf(BPF_MAP_CREATE, %s)%s: %s", type_name(type), via, strerror(-err));
		free(m);
		return err;
	}
	for (uint32_t key = 0; key < MAP_COMMANDS_ENTRIES; key++) {
		uint64_t value = key;

		err = kbpf_map_update(m->fd, &key, &value, BPF_ANY);
		if (err) {
			snprintf(why, why_len, "bpf(BPF_MAP_UPDATE_ELEM, %s)%s while filling: %s", type_name(type), via,
				 strerror(-err));
			map_commands_close(m);
			return err;
		}
	}
	m->attr.map_fd = (uint32_t)m->fd;
	m->attr.key = (uint64_t)(uintptr_t)&m->key;
	m->attr.value = (uint64_t)(uintptr_t)&m->value;
	m->attr.flags = BPF_ANY;
	*out = m;
	return 0;
}

int map_commands_repeat(struct map_commands *m, int cmd, uint64_t ops, char *why, size_t why_len)
{
	for (uint64_t i = 0; i < ops; i++) {
		long err;

		m->key = (uint32_t)(i % MAP_COMMANDS_ENTRIES);
		m->value = i;
		err = kbpf(cmd, &m->attr, KBPF_MAP_ELEM_ATTR_SIZE);
		if (err) {
			snprintf(why, why_len, "bpf(%s) of key %u%s: %s",
				 cmd == BPF_MAP_LOOKUP_ELEM ? "BPF_MAP_LOOKUP_ELEM" :
				 cmd == BPF_MAP_UPDATE_ELEM ? "BPF_MAP_UPDATE_ELEM" : "a map command",
				 m->key, m->via, strerror((int)-err));
			return (int)err;
		}
	}
	return 0;
}

void map_commands_close(struct map_commands *m)
{
	close(m->fd);
	free(m);
}

int map_commands_lookup(void *state, uint64_t ops, char *why, size_t why_len)
{
	return map_commands_repeat(state, BPF_MAP_LOOKUP_ELEM, ops, why, why_len);
}

int map_commands_update(void *state, uint64_t ops, char *why, size_t why_len)
{
	return map_commands_repeat(state, BPF_MAP_UPDATE_ELEM, ops, why, why_len);
}

void map_commands_teardown(void *state)
{
	map_commands_close(state);
}
