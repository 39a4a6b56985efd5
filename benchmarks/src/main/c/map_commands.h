/*
 * bpf() map element commands timed one after another, alike for the kernel (figures_kernel_syscall.c)
 * and for the shim (figures_shim.c): a map of u32 keys 0..MAP_COMMANDS_ENTRIES-1, all present, u64
 * values; each command takes the next key and passes the attr size libbpf passes.
 */
#ifndef MAP_COMMANDS_H
#define MAP_COMMANDS_H

#include "kernel_bpf.h"

#define MAP_COMMANDS_ENTRIES 1024

struct map_commands {
	int fd;
	uint32_t key;
	uint64_t value;
	union bpf_attr attr; /* points at key and value */
	const char *via;     /* said in messages: "" for the kernel, " through the shim" */
};

/* Creates and fills the map; 0 or -errno with the failing call in why. */
int map_commands_open(struct map_commands **out, enum bpf_map_type type, const char *via, char *why, size_t why_len);
/* Runs cmd ops times; 0 or -errno naming the command and the key in why. */
int map_commands_repeat(struct map_commands *m, int cmd, uint64_t ops, char *why, size_t why_len);
void map_commands_close(struct map_commands *m);

/* A figure's run (struct bench_figure) on a struct map_commands: ops lookups, or ops updates. */
int map_commands_lookup(void *state, uint64_t ops, char *why, size_t why_len);
int map_commands_update(void *state, uint64_t ops, char *why, size_t why_len);
/* A figure's teardown: map_commands_close. */
void map_commands_teardown(void *state);

#endif
