#include "figures.h"
#include "kernel_probe.h"
#include "probe_programs.h"

#include "bpftime_probe.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * A uprobe or uretprobe hit: a call of a noinline function (probe_targets.S) with a program
 * attached at its entry, by the kernel's uprobes (root) and by the agent's probe engine, on the very
 * same function in the same run. Net of baseline.call.<function> (the call with nothing attached),
 * each is the cost a probe adds to a call. Two functions, because the kernel's cost depends on the
 * first instruction: bench_lea's `lea` is single-stepped out of line, bench_push's `push %rbp` is
 * emulated. A .count figure's program counts its hits in an array map; every run checks that the
 * count grew by exactly the calls made, so no figure comes from a probe that did not fire.
 */

long bench_lea(long a);
long bench_push(long a);

enum engine { ENGINE_NONE, ENGINE_KERNEL, ENGINE_JIT, ENGINE_INTERP };

struct uprobe_config {
	long (*target)(long);
	enum engine engine;
	int retprobe;
	int mode; /* ours: UPROBE_* */
	enum probe_prog prog;
	int counting;
};

/* The breakpoint path (BPFTIME_PROBE_F_INT3) instead of a jump. */
#define UPROBE_INT3 0x1
/* Linked to the agent's own helpers (else the harness's), flagged BPFTIME_PROBE_PROG_F_GPR_ONLY with
 * UPROBE_GPR_ONLY (as the agent flags a program bpftime_helpers_prog_gpr_only accepts), else not: the
 * XSAVE of the vector state around the programs. */
#define UPROBE_AGENT_HELPERS 0x2
#define UPROBE_GPR_ONLY 0x4

struct uprobe_state {
	const struct uprobe_config *cfg;
	struct probe_figure_state p;
	int probe_id;
};

static void uprobe_teardown(void *state)
{
	struct uprobe_state *s = state;

	if (!s)
		return;
	if (s->probe_id > 0)
		bpftime_probe_detach(s->probe_id);
	probe_figure_state_close(&s->p);
	free(s);
}

static int attach_ours(struct uprobe_state *s, char *why, size_t why_len)
{
	const struct uprobe_config *c = s->cfg;
	struct bpftime_probe_prog prog = { 0 };
	int err = bpftime_probe_maps_create(&s->p.maps, why, why_len);

	if (err)
		return err;
	if (c->engine == ENGINE_JIT) {
		err = (c->mode & UPROBE_AGENT_HELPERS)
			      ? bpftime_probe_jit_load_agent_helpers(c->prog, &s->p.maps, (probe_jit_fn *)&prog.jit, why,
								     why_len)
			      : bpftime_probe_jit_load(c->prog, &s->p.maps, (probe_jit_fn *)&prog.jit, why, why_len);
		if (err)
			return err;
		if (!probe_prog_calls_helper(c->prog))
			prog.flags = BPFTIME_PROBE_PROG_F_GPR_ONLY | BPFTIME_PROBE_PROG_F_NO_HELPERS;
		if ((c->mode & UPROBE_GPR_ONLY) && !probe_prog_agent_gpr_only(c->prog)) {
			snprintf(why, why_len, "%s: actual not GPR-only vs expected every call a GPR-safe helper",
				 probe_prog_names[c->prog]);
			return -EINVAL;
		}
		if (c->mode & UPROBE_GPR_ONLY)
			prog.flags |= BPFTIME_PROBE_PROG_F_GPR_ONLY;
	} else if (!(prog.vm = bpftime_probe_vm_load(c->prog, &s->p.maps, why, why_len))) {
		return -EINVAL;
	}
	struct bpftime_probe_spec spec = { c->retprobe ? BPFTIME_PROBE_RETURN : BPFTIME_PROBE_ENTRY,
					   (c->mode & UPROBE_INT3) ? BPFTIME_PROBE_F_INT3 : 0, NULL, (uintptr_t)c->target };
	s->probe_id = bpftime_probe_attach(&spec, prog, 0);
	if (s->probe_id < 0) {
		snprintf(why, why_len, "bpftime_probe_attach: %s", strerror(-s->probe_id));
		return s->probe_id;
	}
	bpftime_probe_poll(5000);
	struct bpftime_probe_info info;
	bpftime_probe_info(s->probe_id, &info);
	uint32_t want = (c->mode & UPROBE_INT3) ? BPFTIME_PROBE_MODE_INT3 : BPFTIME_PROBE_MODE_INLINE;
	if (info.mode != want) {
		snprintf(why, why_len, "probe mode: actual %u (%s) vs expected %u", info.mode, info.why_int3, want);
		return -EINVAL;
	}
	return 0;
}

static int uprobe_setup(const struct uprobe_config *c, void **state, char *why, size_t why_len)
{
	int err;
	struct uprobe_state *s = probe_figure_alloc(sizeof(*s), c->engine == ENGINE_KERNEL, "uprobes", why, why_len, &err);

	if (!s)
		return err;
	s->cfg = c;
	probe_figure_state_init(&s->p);
	if (c->engine == ENGINE_KERNEL) {
		struct probe_figure_state *p = &s->p;
		err = kernel_probe_maps_create(&p->kmaps, why, why_len);
		if (!err && (p->prog_fd = kernel_probe_prog_load(c->prog, BPF_PROG_TYPE_KPROBE, &p->kmaps, why,
								  why_len)) < 0)
			err = p->prog_fd;
		if (!err && (p->event_fd = kernel_uprobe_open((const void *)c->target, c->retprobe, p->prog_fd, why,
							       why_len)) < 0)
			err = p->event_fd;
	} else if (c->engine != ENGINE_NONE) {
		err = attach_ours(s, why, why_len);
	}
	if (err) {
		uprobe_teardown(s);
		return err;
	}
	*state = s;
	return 0;
}

static volatile long sink;

static int uprobe_run(void *state, uint64_t ops, char *why, size_t why_len)
{
	struct uprobe_state *s = state;
	long (*volatile target)(long) = s->cfg->target; /* a call through the address, never inlined */
	int kernel = s->cfg->engine == ENGINE_KERNEL;
	int64_t before = s->cfg->counting ? probe_figure_hits(&s->p, kernel) : 0;
	long sum = 0;

	for (uint64_t i = 0; i < ops; i++)
		sum += target((long)i);
	sink = sum;
	return s->cfg->counting ? probe_figure_check_hits(before, probe_figure_hits(&s->p, kernel), ops, why, why_len)
				: 0;
}

#define UPROBE_FIGURE(var, fig_name, counterpart, base, ...) \
	BENCH_CONFIGURED_FIGURE(var, struct uprobe_config, uprobe_setup, uprobe_run, uprobe_teardown, \
				fig_name, counterpart, base, 0, __VA_ARGS__)

#define LEA "baseline.call.lea"
#define PUSH "baseline.call.push_rbp"

UPROBE_FIGURE(baseline_call_lea, LEA, NULL, NULL, .target = bench_lea);
UPROBE_FIGURE(baseline_call_push_rbp, PUSH, NULL, NULL, .target = bench_push);

/* The kernel's. */
UPROBE_FIGURE(kernel_uprobe_lea, "kernel.uprobe.lea", NULL, LEA, bench_lea, ENGINE_KERNEL, 0, 0, PROBE_PROG_EMPTY, 0);
UPROBE_FIGURE(kernel_uprobe_lea_count, "kernel.uprobe.lea.count", NULL, LEA, bench_lea, ENGINE_KERNEL, 0, 0,
	      PROBE_PROG_COUNT, 1);
UPROBE_FIGURE(kernel_uprobe_push, "kernel.uprobe.push_rbp", NULL, PUSH, bench_push, ENGINE_KERNEL, 0, 0,
	      PROBE_PROG_EMPTY, 0);
UPROBE_FIGURE(kernel_uprobe_push_count, "kernel.uprobe.push_rbp.count", NULL, PUSH, bench_push, ENGINE_KERNEL, 0,
	      0, PROBE_PROG_COUNT, 1);
UPROBE_FIGURE(kernel_uretprobe_lea, "kernel.uretprobe.lea", NULL, LEA, bench_lea, ENGINE_KERNEL, 1, 0,
	      PROBE_PROG_EMPTY, 0);
UPROBE_FIGURE(kernel_uretprobe_lea_count, "kernel.uretprobe.lea.count", NULL, LEA, bench_lea, ENGINE_KERNEL, 1, 0,
	      PROBE_PROG_COUNT, 1);
UPROBE_FIGURE(kernel_uretprobe_push, "kernel.uretprobe.push_rbp", NULL, PUSH, bench_push, ENGINE_KERNEL, 1, 0,
	      PROBE_PROG_EMPTY, 0);
UPROBE_FIGURE(kernel_uretprobe_push_count, "kernel.uretprobe.push_rbp.count", NULL, PUSH, bench_push,
	      ENGINE_KERNEL, 1, 0, PROBE_PROG_COUNT, 1);
UPROBE_FIGURE(kernel_uprobe_hash_update, "kernel.uprobe.map_update.hash", NULL, PUSH, bench_push, ENGINE_KERNEL,
	      0, 0, PROBE_PROG_HASH_UPDATE, 0);
UPROBE_FIGURE(kernel_uprobe_hash_update_count, "kernel.uprobe.map_update.hash.count", NULL, PUSH, bench_push,
	      ENGINE_KERNEL, 0, 0, PROBE_PROG_HASH_UPDATE_COUNT, 1);
UPROBE_FIGURE(kernel_uprobe_pid_count, "kernel.uprobe.push_rbp.pid_count", NULL, PUSH, bench_push, ENGINE_KERNEL, 0,
	      0, PROBE_PROG_PID_COUNT, 1);
UPROBE_FIGURE(kernel_uretprobe_pid_count, "kernel.uretprobe.push_rbp.pid_count", NULL, PUSH, bench_push,
	      ENGINE_KERNEL, 1, 0, PROBE_PROG_PID_COUNT, 1);

/* Ours: JIT images (the default engine), the interpreter, and the int3 path for reference. */
UPROBE_FIGURE(bpftime_uprobe_lea, "bpftime.uprobe.lea.jit", "kernel.uprobe.lea", LEA, bench_lea, ENGINE_JIT, 0, 0,
	      PROBE_PROG_EMPTY, 0);
UPROBE_FIGURE(bpftime_uprobe_lea_count, "bpftime.uprobe.lea.jit.count", "kernel.uprobe.lea.count", LEA, bench_lea,
	      ENGINE_JIT, 0, 0, PROBE_PROG_COUNT, 1);
UPROBE_FIGURE(bpftime_uprobe_push, "bpftime.uprobe.push_rbp.jit", "kernel.uprobe.push_rbp", PUSH, bench_push,
	      ENGINE_JIT, 0, 0, PROBE_PROG_EMPTY, 0);
UPROBE_FIGURE(bpftime_uprobe_push_count, "bpftime.uprobe.push_rbp.jit.count", "kernel.uprobe.push_rbp.count", PUSH,
	      bench_push, ENGINE_JIT, 0, 0, PROBE_PROG_COUNT, 1);
UPROBE_FIGURE(bpftime_uretprobe_lea, "bpftime.uretprobe.lea.jit", "kernel.uretprobe.lea", LEA, bench_lea,
	      ENGINE_JIT, 1, 0, PROBE_PROG_EMPTY, 0);
UPROBE_FIGURE(bpftime_uretprobe_lea_count, "bpftime.uretprobe.lea.jit.count", "kernel.uretprobe.lea.count", LEA,
	      bench_lea, ENGINE_JIT, 1, 0, PROBE_PROG_COUNT, 1);
UPROBE_FIGURE(bpftime_uretprobe_push, "bpftime.uretprobe.push_rbp.jit", "kernel.uretprobe.push_rbp", PUSH,
	      bench_push, ENGINE_JIT, 1, 0, PROBE_PROG_EMPTY, 0);
UPROBE_FIGURE(bpftime_uretprobe_push_count, "bpftime.uretprobe.push_rbp.jit.count",
	      "kernel.uretprobe.push_rbp.count", PUSH, bench_push, ENGINE_JIT, 1, 0, PROBE_PROG_COUNT, 1);
UPROBE_FIGURE(bpftime_uprobe_hash_update, "bpftime.uprobe.map_update.hash.jit", "kernel.uprobe.map_update.hash",
	      PUSH, bench_push, ENGINE_JIT, 0, 0, PROBE_PROG_HASH_UPDATE, 0);
UPROBE_FIGURE(bpftime_uprobe_hash_update_count, "bpftime.uprobe.map_update.hash.jit.count",
	      "kernel.uprobe.map_update.hash.count", PUSH, bench_push, ENGINE_JIT, 0, 0, PROBE_PROG_HASH_UPDATE_COUNT,
	      1);
/* A program calling helpers (bpf_get_current_pid_tgid, bpf_map_lookup_elem), all GPR-safe, flagged
 * GPR_ONLY as the agent flags it; .xsave is the same without the flag. At a function's entry only the
 * argument registers xmm0-7 are saved then (a few ns); at a return the whole vector state (XSAVEC). */
UPROBE_FIGURE(bpftime_uprobe_pid_count, "bpftime.uprobe.push_rbp.pid_count.jit", "kernel.uprobe.push_rbp.pid_count",
	      PUSH, bench_push, ENGINE_JIT, 0, UPROBE_AGENT_HELPERS | UPROBE_GPR_ONLY, PROBE_PROG_PID_COUNT, 1);
UPROBE_FIGURE(bpftime_uprobe_pid_count_xsave, "bpftime.uprobe.push_rbp.pid_count.jit.xsave",
	      "kernel.uprobe.push_rbp.pid_count", PUSH, bench_push, ENGINE_JIT, 0, UPROBE_AGENT_HELPERS,
	      PROBE_PROG_PID_COUNT, 1);
UPROBE_FIGURE(bpftime_uretprobe_pid_count, "bpftime.uretprobe.push_rbp.pid_count.jit",
	      "kernel.uretprobe.push_rbp.pid_count", PUSH, bench_push, ENGINE_JIT, 1,
	      UPROBE_AGENT_HELPERS | UPROBE_GPR_ONLY, PROBE_PROG_PID_COUNT, 1);
UPROBE_FIGURE(bpftime_uretprobe_pid_count_xsave, "bpftime.uretprobe.push_rbp.pid_count.jit.xsave",
	      "kernel.uretprobe.push_rbp.pid_count", PUSH, bench_push, ENGINE_JIT, 1, UPROBE_AGENT_HELPERS,
	      PROBE_PROG_PID_COUNT, 1);
UPROBE_FIGURE(bpftime_uprobe_lea_interp, "bpftime.uprobe.lea.interp", "kernel.uprobe.lea", LEA, bench_lea,
	      ENGINE_INTERP, 0, 0, PROBE_PROG_EMPTY, 0);
UPROBE_FIGURE(bpftime_uprobe_lea_interp_count, "bpftime.uprobe.lea.interp.count", "kernel.uprobe.lea.count", LEA,
	      bench_lea, ENGINE_INTERP, 0, 0, PROBE_PROG_COUNT, 1);
UPROBE_FIGURE(bpftime_uprobe_lea_int3, "bpftime.uprobe.lea.int3.jit", "kernel.uprobe.lea", LEA, bench_lea,
	      ENGINE_JIT, 0, 1, PROBE_PROG_EMPTY, 0);
UPROBE_FIGURE(bpftime_uprobe_lea_int3_count, "bpftime.uprobe.lea.int3.jit.count", "kernel.uprobe.lea.count", LEA,
	      bench_lea, ENGINE_JIT, 0, 1, PROBE_PROG_COUNT, 1);
