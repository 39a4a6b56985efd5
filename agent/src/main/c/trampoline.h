/*
 * Generated code of the fast path.
 *
 * Entry trampoline of a site (one per probed address), reached by the jump patched over the site:
 *     [at a function's first instruction: the uretprobe fast path's test, trampoline_fast.h]
 *     lea  rsp, [rsp - 128 - 168]     skip the red zone (the probed code may keep data there), then
 *                                     a struct pt_regs: every register stored, flags, rsp and
 *                                     ip = the site's address, cs/ss as the kernel's user segments
 *     [cld]; the site's direct program called in a read section, if it has one; else align the
 *     stack, save vector registers (see enum trampoline_vectors) unless the site's programs are
 *     GPR-only, call probe_entry_hit(site, &regs) (or probe_entry_hit_gpr), restore them;
 *     by what it returned (enum probe_entry_result): restore every register but those nothing
 *     writes, lea rsp back, run the displaced instructions (moved, x86_relocate.c) and jump back
 *     after them; or `ret` from the function (override); or drop the return address and call the
 *     displaced instructions from the return point (uretprobe.h).
 *
 * Return trampolines (two per process): a uretprobe replaced a return address with one, or a
 * site's return point jumps to the other (uretprobe.h); each saves the general registers the same
 * way (no vector register: probe_return_hit saves them when it must), calls
 * probe_return_hit(&regs), which returns the real return address, and goes on there.
 */
#ifndef BPFTIME_TRAMPOLINE_H
#define BPFTIME_TRAMPOLINE_H

#include <stdint.h>

#include "bpftime_probe.h"
#include "trampoline_fast.h"
#include "x86_emit.h"

typedef uint64_t (*probe_entry_fn)(void *site, struct bpftime_pt_regs *regs);
typedef uint64_t (*probe_return_fn)(struct bpftime_pt_regs *regs);

/* Which vector state a trampoline preserves around the engine's C code. */
enum trampoline_vectors {
	/* At a function's first instruction only argument registers are live (System V x86-64 ABI,
	 * 3.2.3): xmm0-7 (ymm0-7 with AVX). */
	TRAMPOLINE_VEC_ARGS,
	/* Anywhere else: the whole x87/SSE/AVX/AVX-512 state with XSAVE. */
	TRAMPOLINE_VEC_FULL,
};

/*
 * What the code around the probe lets a trampoline skip. At a function's first instruction and at a
 * return (System V ABI 3.2.1 and 3.4.1) the arithmetic flags are dead and the direction flag is clear:
 * restoring flags (popfq, slow) and clearing DF (cld) are needed only elsewhere, or when a displaced
 * instruction reads a flag.
 */
struct trampoline_options {
	enum trampoline_vectors vectors;
	int restore_flags;
	int clear_df;
	/*
	 * When set: the trampoline tests the byte at site + gpr_flag_offset and, when it is not zero,
	 * calls gpr_hit without saving any vector register (its programs are GPR-only, probe_site.h);
	 * otherwise it calls hit with the vectors above saved.
	 */
	probe_entry_fn gpr_hit;
	int32_t gpr_flag_offset;
	/*
	 * With gpr_hit: the trampoline first tries the site's direct program, the function pointer at
	 * site + direct_offset (probe_site.h), itself: it enters the thread's read section (the
	 * probe_thread at fs:[thread_tp_offset], its word at offset 0, thread_state.h), calls the
	 * program with (&regs, 0) when the pointer is not NULL, and leaves. No slot yet, a nested hit
	 * or no direct program go the gpr_hit way, which handles them.
	 */
	int32_t direct_offset;
	int32_t thread_tp_offset;
};

/* Bytes of stack below the interrupted rsp a trampoline uses before aligning: red zone + pt_regs. */
#define TRAMPOLINE_FRAME (128 + (int32_t)sizeof(struct bpftime_pt_regs))


/*
 * Emits the entry trampoline up to where the displaced instructions go. Returns the buffer position
 * of the rel32 of the branch to the tails, which trampoline_emit_tails binds after the caller has
 * emitted the displaced instructions and the jump back.
 */
size_t trampoline_emit_entry(struct x86_emit *e, void *site, uintptr_t site_addr, probe_entry_fn hit,
			     const struct trampoline_options *options);
/*
 * The tails the hit's result branches to (branch_pos): the override (at a function's first
 * instruction, where flags are dead) and, when called_return is not 0, the entry by a call
 * (uretprobe.h): the registers restored, the return address dropped, a call of the displaced
 * instructions at buffer position displaced_pos, and the return point after it, which jumps to
 * called_return. Returns the return point's address, 0 without one.
 */
uintptr_t trampoline_emit_tails(struct x86_emit *e, size_t branch_pos, size_t displaced_pos, int restore_flags,
				uintptr_t called_return);

/* A return trampoline: called is 1 for the one return points jump to (it returns by `ret`), 0 for
 * the one a replaced return address leads to (it jumps, to keep the return-stack buffer in step). */
void trampoline_emit_return(struct x86_emit *e, probe_return_fn hit, int called);
/* The same with the return fast path (trampoline_fast.h) before hit; run_return is probe_run_return. */
void trampoline_emit_return_fast_first(struct x86_emit *e, probe_return_fn hit, int called,
				       const struct trampoline_layout *layout, uintptr_t run_return);

/*
 * A C-callable function uint64_t stub(void *site, struct bpftime_pt_regs *regs) that calls
 * hit(site, regs) with the whole vector state saved (XSAVE) around it: what a GPR-only hit calls
 * when it finds it must run code that may touch vector registers after all.
 */
void trampoline_emit_saving_call(struct x86_emit *e, probe_entry_fn hit);

#endif
