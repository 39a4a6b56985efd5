#include "figures.h"
#include "kernel_bpf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Tiny tc (SCHED_CLS) programs run by BPF_PROG_TEST_RUN with repeat = ops: one syscall runs the
 * program ops times in the kernel (net/bpf/test_run.c, bpf_test_run), so a figure is the in-kernel
 * cost of one program run with the test loop's own step; kernel.prog.empty is that step alone and
 * the baseline the report subtracts. Not XDP: measured here, each repeated XDP test run pays about
 * 8 ms of fixed cost (bpf_prog_test_run_xdp switches the XDP dispatcher around the loop).
 */

/* TC_ACT_OK; any constant works, checking it proves the program ran. */
#define RETURN_VALUE 0
#define MAX_INSNS 32

struct prog_state {
	int array_fd;
	int hash_fd;
	int prog_fd;
	/* Test runs of skb programs refuse packets shorter than an Ethernet header (bpf_test_init). */
	unsigned char packet[64];
};

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn i = { .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };

	return i;
}

/* bpf_map_lookup_elem(map, &key) with key = 0 kept at r10 - 4; clobbers r0-r5 as every call does. */
static uint32_t emit_lookup(struct bpf_insn *p, int map_fd)
{
	uint32_t n = 0;

	p[n++] = insn(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0);
	p[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0);
	p[n++] = insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4);
	/* lddw r1, map: two slots, the map's fd in the first immediate (BPF_PSEUDO_MAP_FD). */
	p[n++] = insn(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map_fd);
	p[n++] = insn(0, 0, 0, 0, 0);
	p[n++] = insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem);
	return n;
}

static uint32_t emit_return(struct bpf_insn *p)
{
	p[0] = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, RETURN_VALUE);
	p[1] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return 2;
}

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

static void close_prog(void *state)
{
	struct prog_state *s = state;

	close_fd(s->prog_fd);
	close_fd(s->array_fd);
	close_fd(s->hash_fd);
	free(s);
}

static int create_map(enum bpf_map_type type, const char *type_name, int *fd, char *why, size_t why_len)
{
	uint32_t key = 0;
	uint64_t value = 0;
	int err;

	*fd = kbpf_map_create(type, sizeof(key), sizeof(value), 1);
	if (*fd < 0) {
		snprintf(why, why_len, "bpf(BPF_MAP_CREATE, %s): %s", type_name, strerror(-*fd));
		return *fd == -EPERM ? BENCH_SKIP : *fd;
	}
	/* The program looks key 0 up: present, so a hash lookup walks to a hit as a probe's usual lookup does. */
	err = kbpf_map_update(*fd, &key, &value, BPF_ANY);
	if (err)
		snprintf(why, why_len, "bpf(BPF_MAP_UPDATE_ELEM, %s): %s", type_name, strerror(-err));
	return err;
}

static int open_prog(int with_array, int with_hash, void **state, char *why, size_t why_len)
{
	struct bpf_insn prog[MAX_INSNS];
	struct prog_state *s = calloc(1, sizeof(*s));
	uint32_t n = 0;
	int err = 0;

	if (!s) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	s->array_fd = s->hash_fd = s->prog_fd = -1;
	if (with_array) {
		err = create_map(BPF_MAP_TYPE_ARRAY, "array", &s->array_fd, why, why_len);
		if (err)
			goto fail;
		n += emit_lookup(prog + n, s->array_fd);
	}
	if (with_hash) {
		err = create_map(BPF_MAP_TYPE_HASH, "hash", &s->hash_fd, why, why_len);
		if (err)
			goto fail;
		n += emit_lookup(prog + n, s->hash_fd);
	}
	n += emit_return(prog + n);
	s->prog_fd = kbpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, prog, n, why, why_len);
	if (s->prog_fd < 0) {
		err = s->prog_fd == -EPERM ? BENCH_SKIP : s->prog_fd;
		goto fail;
	}
	*state = s;
	return 0;
fail:
	close_prog(s);
	return err;
}

static int open_empty(void **state, char *why, size_t why_len)
{
	return open_prog(0, 0, state, why, why_len);
}

static int open_array_lookup(void **state, char *why, size_t why_len)
{
	return open_prog(1, 0, state, why, why_len);
}

static int open_hash_lookup(void **state, char *why, size_t why_len)
{
	return open_prog(0, 1, state, why, why_len);
}

static int open_array_hash_lookup(void **state, char *why, size_t why_len)
{
	return open_prog(1, 1, state, why, why_len);
}

static int test_run(void *state, uint64_t ops, char *why, size_t why_len)
{
	struct prog_state *s = state;
	uint32_t retval = 0;
	int err = kbpf_prog_test_run(s->prog_fd, s->packet, sizeof(s->packet), (uint32_t)ops, &retval);

	if (err) {
		snprintf(why, why_len, "bpf(BPF_PROG_TEST_RUN, repeat %llu): %s", (unsigned long long)ops,
			 strerror(-err));
		return err;
	}
	if (retval != RETURN_VALUE) {
		snprintf(why, why_len, "program returned: actual %u vs expected %d (TC_ACT_OK)", retval, RETURN_VALUE);
		return -EINVAL;
	}
	return 0;
}

#define PROG_FIGURE(var, figure_name, open, baseline_name) \
	const struct bench_figure var = { \
		.name = figure_name, \
		.baseline = baseline_name, \
		.needs_root = 1, \
		.max_ops = UINT32_MAX, \
		.setup = open, \
		.run = test_run, \
		.teardown = close_prog, \
	}

PROG_FIGURE(fig_kernel_prog_empty, "kernel.prog.empty", open_empty, NULL);
PROG_FIGURE(fig_kernel_prog_lookup_array, "kernel.prog.map_lookup.array", open_array_lookup, "kernel.prog.empty");
PROG_FIGURE(fig_kernel_prog_lookup_hash, "kernel.prog.map_lookup.hash", open_hash_lookup, "kernel.prog.empty");
PROG_FIGURE(fig_kernel_prog_lookup_array_hash, "kernel.prog.map_lookup.array_hash", open_array_hash_lookup,
	    "kernel.prog.empty");
