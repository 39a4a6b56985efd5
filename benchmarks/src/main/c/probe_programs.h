/*
 * The BPF programs of the probe figures (uprobes, uretprobes, syscall tracepoints), written once as
 * instructions and run by all three engines: loaded into the kernel with bpf(), on the C
 * interpreter, and as JIT images that the product's JitCompiler made from the same instructions at
 * build time (`bpftime-bench --dump-probe-programs DIR` writes DIR/<name>.bpf, which
 * dev.bpftime.benchmarks.vm.JitImages compiles to DIR/<name>.jit with its relocations).
 *
 * A map reference is `lddw rX, map` with BPF_PSEUDO_MAP_FD and the map's slot as immediate; each
 * engine links the slot to its own map (a kernel fd, a bpftime map's address).
 */
#ifndef PROBE_PROGRAMS_H
#define PROBE_PROGRAMS_H

#include <stddef.h>
#include <stdint.h>

#include "bpftime_map.h"

enum probe_prog {
	PROBE_PROG_EMPTY,	    /* r0 = 0; exit */
	PROBE_PROG_COUNT,	    /* count += 1, on the array value's address (no helper call) */
	PROBE_PROG_COUNT_TGID,	    /* count += 1 when the current tgid is the tgid map's (a tracepoint's
				       program runs for every process) */
	PROBE_PROG_HASH_UPDATE,	    /* hash[0] = 1 with bpf_map_update_elem(BPF_ANY): one update per hit */
	PROBE_PROG_HASH_UPDATE_COUNT, /* the same, then count += 1 */
	PROBE_PROG_PID_COUNT,	    /* bpf_get_current_pid_tgid, then count += 1 on the value
				       bpf_map_lookup_elem finds: two helpers, both GPR-safe in the agent */
	PROBE_PROG_ALL
};

/* Map slots. */
enum probe_map { PROBE_MAP_COUNTS, PROBE_MAP_TGID, PROBE_MAP_HASH, PROBE_MAP_ALL };
/* counts and tgid: single-entry arrays of a u64 (tgid: this process's, written at creation); hash:
 * u32 key, u64 value, 1024 entries, key 0 present. */
#define PROBE_HASH_ENTRIES 1024

extern const char *const probe_prog_names[PROBE_PROG_ALL];

/* The program's instructions (map references as slots) and their count. */
const struct bpf_insn *probe_prog_insns(enum probe_prog p, uint32_t *count);

/* Whether the program calls a helper. One that calls none touches no vector register and no errno
 * as a JIT image: the agent then gives it BPFTIME_PROBE_PROG_F_GPR_ONLY and _NO_HELPERS, as the
 * uprobe figures do. */
int probe_prog_calls_helper(enum probe_prog p);

/* Writes DIR/<name>.bpf for every program; 0 or -errno. */
int probe_programs_dump(const char *dir);

/* ---- the kernel ---- */

struct kernel_probe_maps {
	int fd[PROBE_MAP_ALL];
};

/* Creates the maps (tgid = this process's, hash[0] = 0). 0 or -errno with why. */
int kernel_probe_maps_create(struct kernel_probe_maps *m, char *why, size_t why_len);
void kernel_probe_maps_close(struct kernel_probe_maps *m);
/* The count, or -errno. */
int64_t kernel_probe_count(const struct kernel_probe_maps *m);
/* Loads program p as prog_type, its maps linked to m. A fd or -errno with why. */
int kernel_probe_prog_load(enum probe_prog p, int prog_type, const struct kernel_probe_maps *m, char *why,
			   size_t why_len);

/* ---- ours ---- */

typedef uint64_t (*probe_jit_fn)(void *ctx, uint64_t r2);
struct bpftime_vm;

struct bpftime_probe_maps {
	struct bpftime_map *map[PROBE_MAP_ALL];
};

int bpftime_probe_maps_create(struct bpftime_probe_maps *m, char *why, size_t why_len);
void bpftime_probe_maps_close(struct bpftime_probe_maps *m);
uint64_t bpftime_probe_count(const struct bpftime_probe_maps *m);
/* Zeroes the count. */
void bpftime_probe_count_reset(const struct bpftime_probe_maps *m);

/* The JIT image of program p (DIR/<name>.jit beside the harness), linked to m and this harness's
 * helper table. 0 or -errno with why. */
int bpftime_probe_jit_load(enum probe_prog p, const struct bpftime_probe_maps *m, probe_jit_fn *out, char *why,
			   size_t why_len);
/* The same, linked to the agent's own helper table (bpftime_helper_table, after bpftime_helpers_init)
 * instead of this harness's: the GPR-only figures need its GPR-safe helpers. */
int bpftime_probe_jit_load_agent_helpers(enum probe_prog p, const struct bpftime_probe_maps *m, probe_jit_fn *out,
					 char *why, size_t why_len);
/* Whether the agent flags program p BPFTIME_PROBE_PROG_F_GPR_ONLY (bpftime_helpers_prog_gpr_only). */
int probe_prog_agent_gpr_only(enum probe_prog p);
/* Program p on the interpreter, linked to m. NULL with why on failure. */
struct bpftime_vm *bpftime_probe_vm_load(enum probe_prog p, const struct bpftime_probe_maps *m, char *why,
					 size_t why_len);

/* The helper table ours link programs to, indexed by helper id (include/uapi/linux/bpf.h), as the
 * agent's is: map lookup, update and delete, get_current_pid_tgid; -ENOSYS for the others. */
#define PROBE_HELPER_TABLE_SIZE 256
extern void *const probe_helpers[PROBE_HELPER_TABLE_SIZE];

/* ---- what every probe figure holds and checks ---- */

struct probe_figure_state {
	struct kernel_probe_maps kmaps;
	int prog_fd, event_fd; /* the kernel's program and perf event */
	struct bpftime_probe_maps maps;
};

void probe_figure_state_init(struct probe_figure_state *p);
/* A zeroed figure state of size bytes, or NULL with *err: BENCH_SKIP for the kernel's side (kernel
 * != 0, what: its probes, for the reason) when not root, -ENOMEM. */
void *probe_figure_alloc(size_t size, int kernel, const char *what, char *why, size_t why_len, int *err);
/* Closes the perf event first (the program stops running), then the program and both sides' maps. */
void probe_figure_state_close(struct probe_figure_state *p);
/* BENCH_SKIP with why unless root, which kernel BPF needs; 0 otherwise. */
int probe_figure_kernel_allowed(const char *what, char *why, size_t why_len);
/* The count of the kernel's side (kernel != 0) or ours; -errno when it cannot be read. */
int64_t probe_figure_hits(const struct probe_figure_state *p, int kernel);
/* 0 when the count grew by exactly calls, else -EIO with why: no figure from a probe that did not fire. */
int probe_figure_check_hits(int64_t before, int64_t after, uint64_t calls, char *why, size_t why_len);

#endif
