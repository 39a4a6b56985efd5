#include "figures.h"
#include "kernel_bpf.h"
#include "kernel_prog.h"
#include "two_cpus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Tiny tc (SCHED_CLS) programs run by BPF_PROG_TEST_RUN with repeat: one syscall runs the program
 * `repeat` times in the kernel (net/bpf/test_run.c, bpf_test_run). kernel.prog.empty is one run of
 * `r0 = 0; exit`, the test loop's own step. Not XDP: measured here, each repeated XDP test run pays
 * about 8 ms of fixed cost (bpf_prog_test_run_xdp switches the XDP dispatcher around the loop).
 *
 * A map program does OPS_PER_RUN map operations one after the other, and a figure's operation is one
 * of them: its baseline, kernel.prog.empty.per16, is the empty program with one operation being a
 * sixteenth of its run, so the net is the cost of one map operation with the test loop's step
 * (about 20 ns, against 1 to 50 ns of map work) spread over sixteen instead of subtracted from one.
 *
 * Map programs work on 2-entry maps (u32 keys 0 and 1 present, u64 values): a program of thread t
 * uses key t, so the .2threads figures are two CPUs on one map, each on its own element, as the
 * bpftime.map.* figures they are compared with. Every program returns 0 (TC_ACT_OK) only when all
 * its map operations succeeded (a lookup found its key), and each run checks the return value.
 */

#define OPS_PER_RUN KERNEL_PROG_OPS_PER_RUN
#define MAX_INSNS 512
#define MAP_ENTRIES KERNEL_PROG_MAP_ENTRIES

enum prog_kind {
	PROG_EMPTY,
	PROG_LOOKUP_ARRAY,
	PROG_LOOKUP_HASH,
	PROG_LOOKUP_ARRAY_HASH,
	PROG_UPDATE_ARRAY,
	PROG_UPDATE_HASH,
	/* An update then a delete of the same key: net of PROG_UPDATE_HASH, the delete. */
	PROG_DELETE_HASH,
};

struct prog_run {
	int prog_fd;
	uint32_t repeat;
	/* Test runs of skb programs refuse packets shorter than an Ethernet header (bpf_test_init). */
	unsigned char packet[64];
	char why[256];
};

struct prog_state {
	int array_fd;
	int hash_fd;
	int threads;
	int ops_per_run;
	struct prog_run runs[2];
	struct cpu_pair *pair; /* the second thread of a .2threads figure */
};

/* r2 = &key (at r10 - 4); r1 = map; call helper (clobbers r0-r5 as every call does). */
static uint32_t emit_map_call(struct bpf_insn *p, int map_fd, int helper)
{
	uint32_t n = 0;

	p[n++] = kbpf_insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0);
	p[n++] = kbpf_insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4);
	n += kbpf_ld_map_fd(p + n, BPF_REG_1, map_fd);
	p[n++] = kbpf_insn(BPF_JMP | BPF_CALL, 0, 0, 0, helper);
	return n;
}

/* The key of the running thread at r10 - 4, then bpf_map_lookup_elem; r6 = 1 when it found nothing. */
static uint32_t emit_lookup(struct bpf_insn *p, int map_fd, uint32_t key)
{
	uint32_t n = 0;

	p[n++] = kbpf_insn(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, (int32_t)key);
	n += emit_map_call(p + n, map_fd, BPF_FUNC_map_lookup_elem);
	p[n++] = kbpf_insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 1, 0);
	p[n++] = kbpf_insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_6, 0, 0, 1);
	return n;
}

/* r6 |= r0: the result of the call just made joins the program's return value. */
static uint32_t emit_collect(struct bpf_insn *p)
{
	p[0] = kbpf_insn(BPF_ALU64 | BPF_OR | BPF_X, BPF_REG_6, BPF_REG_0, 0, 0);
	return 1;
}

/* bpf_map_update_elem(map, &key, &value, BPF_ANY) with value 1 at r10 - 16. */
static uint32_t emit_update(struct bpf_insn *p, int map_fd, uint32_t key)
{
	uint32_t n = 0;

	p[n++] = kbpf_insn(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, (int32_t)key);
	p[n++] = kbpf_insn(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -16, 1);
	p[n++] = kbpf_insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_10, 0, 0);
	p[n++] = kbpf_insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, -16);
	p[n++] = kbpf_insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, BPF_ANY);
	n += emit_map_call(p + n, map_fd, BPF_FUNC_map_update_elem);
	return n + emit_collect(p + n);
}

/* One map operation of the kind; the key is the thread's. */
static uint32_t emit_operation(struct bpf_insn *p, enum prog_kind kind, const struct prog_state *s, uint32_t key)
{
	uint32_t n = 0;

	switch (kind) {
	case PROG_EMPTY:
		return 0;
	case PROG_LOOKUP_ARRAY:
		return emit_lookup(p, s->array_fd, key);
	case PROG_LOOKUP_HASH:
		return emit_lookup(p, s->hash_fd, key);
	case PROG_LOOKUP_ARRAY_HASH:
		n = emit_lookup(p, s->array_fd, key);
		return n + emit_lookup(p + n, s->hash_fd, key);
	case PROG_UPDATE_ARRAY:
		return emit_update(p, s->array_fd, key);
	case PROG_UPDATE_HASH:
		return emit_update(p, s->hash_fd, key);
	case PROG_DELETE_HASH:
		n = emit_update(p, s->hash_fd, key);
		n += emit_map_call(p + n, s->hash_fd, BPF_FUNC_map_delete_elem);
		return n + emit_collect(p + n);
	}
	return 0;
}

/* r6 = 0; the operations; r0 = r6; exit. */
static uint32_t build(struct bpf_insn *p, enum prog_kind kind, int operations, const struct prog_state *s,
		      uint32_t key)
{
	uint32_t n = 0;

	p[n++] = kbpf_insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_6, 0, 0, 0);
	for (int i = 0; i < operations; i++)
		n += emit_operation(p + n, kind, s, key);
	p[n++] = kbpf_insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_0, BPF_REG_6, 0, 0);
	p[n++] = kbpf_insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

static void close_prog(void *state)
{
	struct prog_state *s = state;

	cpu_pair_stop(s->pair);
	for (int t = 0; t < 2; t++)
		close_fd(s->runs[t].prog_fd);
	close_fd(s->array_fd);
	close_fd(s->hash_fd);
	free(s);
}

static int create_map(enum bpf_map_type type, const char *type_name, int *fd, char *why, size_t why_len)
{
	uint64_t value = 0;

	*fd = kbpf_map_create(type, sizeof(uint32_t), sizeof(value), MAP_ENTRIES);
	if (*fd < 0) {
		snprintf(why, why_len, "bpf(BPF_MAP_CREATE, %s): %s", type_name, strerror(-*fd));
		return *fd == -EPERM ? BENCH_SKIP : *fd;
	}
	/* Every key present: a hash lookup walks to a hit, as a probe's usual lookup does. */
	for (uint32_t key = 0; key < MAP_ENTRIES; key++) {
		int err = kbpf_map_update(*fd, &key, &value, BPF_ANY);

		if (err) {
			snprintf(why, why_len, "bpf(BPF_MAP_UPDATE_ELEM, %s): %s", type_name, strerror(-err));
			return err;
		}
	}
	return 0;
}

static int uses_array(enum prog_kind kind)
{
	return kind == PROG_LOOKUP_ARRAY || kind == PROG_LOOKUP_ARRAY_HASH || kind == PROG_UPDATE_ARRAY;
}

static int uses_hash(enum prog_kind kind)
{
	return kind == PROG_LOOKUP_HASH || kind == PROG_LOOKUP_ARRAY_HASH || kind == PROG_UPDATE_HASH ||
	       kind == PROG_DELETE_HASH;
}

static int test_run_one(void *arg);

static int open_prog(enum prog_kind kind, int ops_per_run, int threads, void **state, char *why, size_t why_len)
{
	struct bpf_insn prog[MAX_INSNS];
	struct prog_state *s;
	int err = figure_state_alloc(threads, sizeof(*s), (void **)&s, why, why_len);

	if (err)
		return err;
	s->threads = threads;
	s->ops_per_run = ops_per_run;
	s->array_fd = s->hash_fd = s->runs[0].prog_fd = s->runs[1].prog_fd = -1;
	if (uses_array(kind) && (err = create_map(BPF_MAP_TYPE_ARRAY, "array", &s->array_fd, why, why_len)))
		goto fail;
	if (uses_hash(kind) && (err = create_map(BPF_MAP_TYPE_HASH, "hash", &s->hash_fd, why, why_len)))
		goto fail;
	for (int t = 0; t < threads; t++) {
		uint32_t n = build(prog, kind, kind == PROG_EMPTY ? 0 : ops_per_run, s, (uint32_t)t);

		s->runs[t].prog_fd = kbpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, prog, n, why, why_len);
		if (s->runs[t].prog_fd < 0) {
			err = s->runs[t].prog_fd == -EPERM ? BENCH_SKIP : s->runs[t].prog_fd;
			goto fail;
		}
	}
	if (threads == 2 && (err = cpu_pair_start(&s->pair, test_run_one, &s->runs[1]))) {
		snprintf(why, why_len, "starting the second thread: %s", strerror(-err));
		goto fail;
	}
	*state = s;
	return 0;
fail:
	close_prog(s);
	return err;
}

static int test_run_one(void *arg)
{
	struct prog_run *r = arg;
	uint32_t retval = 0;
	int err = kbpf_prog_test_run(r->prog_fd, r->packet, sizeof(r->packet), r->repeat, &retval);

	if (err) {
		snprintf(r->why, sizeof(r->why), "bpf(BPF_PROG_TEST_RUN, repeat %u): %s", r->repeat, strerror(-err));
		return err;
	}
	if (retval != 0) {
		snprintf(r->why, sizeof(r->why),
			 "program returned: actual %d vs expected 0 (TC_ACT_OK: every map operation succeeded)",
			 (int)retval);
		return -EINVAL;
	}
	return 0;
}

static int test_run(void *state, uint64_t ops, char *why, size_t why_len)
{
	struct prog_state *s = state;
	int err;

	/* Runs that cover ops operations (calibration's first tiny counts round up to one run). */
	uint64_t repeat = (ops + (uint64_t)s->ops_per_run - 1) / (uint64_t)s->ops_per_run;

	for (int t = 0; t < s->threads; t++) {
		s->runs[t].repeat = (uint32_t)repeat;
		s->runs[t].why[0] = '\0';
	}
	err = s->threads == 2 ? cpu_pair_run(s->pair, &s->runs[0]) : test_run_one(&s->runs[0]);
	if (err)
		snprintf(why, why_len, "%s", s->runs[0].why[0] ? s->runs[0].why
					     : s->runs[1].why[0] ? s->runs[1].why : strerror(-err));
	return err;
}

/*
 * For bpftime.jit.prog.*: the same program as a kernel figure's, its array map named by the placeholder
 * fd KERNEL_PROG_ARRAY_FD, written as raw instructions to DIR/<kind>.prog, and DIR/<kind>.maps saying what
 * that fd is ("fd type key_size value_size max_entries", the map create_map() makes), which is what the
 * service knows when its JIT compiles a program (benchmarks' JitImages reads both).
 */
int kernel_prog_write(const char *kind_name, const char *dir, char *why, size_t why_len)
{
	static const struct {
		const char *name;
		enum prog_kind kind;
		uint32_t key; /* the thread's key: the second thread of a .2threads figure uses key 1 */
	} kinds[] = { { "empty_per16", PROG_EMPTY, 0 }, { "map_lookup_array", PROG_LOOKUP_ARRAY, 0 },
		      { "map_lookup_array_key1", PROG_LOOKUP_ARRAY, 1 } };
	struct bpf_insn prog[MAX_INSNS];
	struct prog_state s = { .array_fd = KERNEL_PROG_ARRAY_FD, .hash_fd = -1 };
	char path[4096];
	FILE *f;
	uint32_t n = 0;
	size_t k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && strcmp(kinds[k].name, kind_name) != 0; k++)
		;
	if (k == sizeof(kinds) / sizeof(kinds[0])) {
		snprintf(why, why_len, "program kind: actual %s vs expected empty_per16, map_lookup_array or "
			 "map_lookup_array_key1", kind_name);
		return -EINVAL;
	}
	n = build(prog, kinds[k].kind, kinds[k].kind == PROG_EMPTY ? 0 : OPS_PER_RUN, &s, kinds[k].key);
	snprintf(path, sizeof(path), "%s/%s.prog", dir, kind_name);
	f = fopen(path, "wb");
	if (!f || fwrite(prog, sizeof(prog[0]), n, f) != n || fclose(f) != 0) {
		snprintf(why, why_len, "writing %s: %s", path, strerror(errno));
		return -EIO;
	}
	snprintf(path, sizeof(path), "%s/%s.maps", dir, kind_name);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d %d %zu %zu %d\n", KERNEL_PROG_ARRAY_FD, BPF_MAP_TYPE_ARRAY, sizeof(uint32_t),
			  sizeof(uint64_t), MAP_ENTRIES) < 0 || fclose(f) != 0) {
		snprintf(why, why_len, "writing %s: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

#define PROG_FIGURE(var, figure_name, kind, ops_per_run, threads, baseline_name) \
	static int open_##var(void **state, char *why, size_t why_len) \
	{ \
		return open_prog(kind, ops_per_run, threads, state, why, why_len); \
	} \
	const struct bench_figure var = { \
		.name = figure_name, \
		.baseline = baseline_name, \
		.needs_root = 1, \
		.max_ops = (uint64_t)UINT32_MAX * (ops_per_run), \
		.setup = open_##var, \
		.run = test_run, \
		.teardown = close_prog, \
	}

#define PER16 "kernel.prog.empty.per16"
#define PER16_2T "kernel.prog.empty.per16.2threads"

PROG_FIGURE(fig_kernel_prog_empty, "kernel.prog.empty", PROG_EMPTY, 1, 1, NULL);
PROG_FIGURE(fig_kernel_prog_empty_per16, PER16, PROG_EMPTY, OPS_PER_RUN, 1, NULL);
PROG_FIGURE(fig_kernel_prog_empty_per16_2t, PER16_2T, PROG_EMPTY, OPS_PER_RUN, 2, NULL);
PROG_FIGURE(fig_kernel_prog_lookup_array, "kernel.prog.map_lookup.array", PROG_LOOKUP_ARRAY, OPS_PER_RUN, 1, PER16);
PROG_FIGURE(fig_kernel_prog_lookup_array_2t, "kernel.prog.map_lookup.array.2threads", PROG_LOOKUP_ARRAY, OPS_PER_RUN,
	    2, PER16_2T);
PROG_FIGURE(fig_kernel_prog_lookup_hash, "kernel.prog.map_lookup.hash", PROG_LOOKUP_HASH, OPS_PER_RUN, 1, PER16);
PROG_FIGURE(fig_kernel_prog_lookup_hash_2t, "kernel.prog.map_lookup.hash.2threads", PROG_LOOKUP_HASH, OPS_PER_RUN, 2,
	    PER16_2T);
PROG_FIGURE(fig_kernel_prog_lookup_array_hash, "kernel.prog.map_lookup.array_hash", PROG_LOOKUP_ARRAY_HASH,
	    OPS_PER_RUN, 1, PER16);
PROG_FIGURE(fig_kernel_prog_update_array, "kernel.prog.map_update.array", PROG_UPDATE_ARRAY, OPS_PER_RUN, 1, PER16);
PROG_FIGURE(fig_kernel_prog_update_array_2t, "kernel.prog.map_update.array.2threads", PROG_UPDATE_ARRAY, OPS_PER_RUN,
	    2, PER16_2T);
PROG_FIGURE(fig_kernel_prog_update_hash, "kernel.prog.map_update.hash", PROG_UPDATE_HASH, OPS_PER_RUN, 1, PER16);
PROG_FIGURE(fig_kernel_prog_update_hash_2t, "kernel.prog.map_update.hash.2threads", PROG_UPDATE_HASH, OPS_PER_RUN, 2,
	    PER16_2T);
PROG_FIGURE(fig_kernel_prog_delete_hash, "kernel.prog.map_delete.hash", PROG_DELETE_HASH, OPS_PER_RUN, 1,
	    "kernel.prog.map_update.hash");
/* Two threads: the pair, net of the test loop only (the difference of two contended figures is noise). */
PROG_FIGURE(fig_kernel_prog_update_delete_hash_2t, "kernel.prog.map_update_delete.hash.2threads", PROG_DELETE_HASH,
	    OPS_PER_RUN, 2, PER16_2T);
