/*
 * The uretprobe fast paths of the trampolines: generated code that does in a few instructions what
 * uretprobe_push and probe_return_hit do in the common case, and leaves every other case to them.
 *
 * Entry of a function whose site has return programs and no entry program (the usual uretprobe,
 * which the site's flag byte says; the path checks the entry list again, so a stale flag costs
 * at most a shadow entry whose return runs nothing):
 * no pt_regs is needed, so before saving anything the trampoline pushes the shadow entry itself
 * and enters the function by a call (uretprobe.h), when the thread has a slot, runs no program
 * (a nested hit is a miss, counted by the general path), has room, and its newest entry belongs
 * to an outer frame (so this slot cannot hold one of our addresses: no tail-call chain to join).
 * It uses rax, rcx and rdx, kept in the red zone below the return address, which nothing uses at
 * a function's first instruction (a signal frame skips it, arch/x86/kernel/signal.c), and r11.
 *
 * Return, after the registers are saved: when the newest shadow entry is this slot's and chains to
 * nothing, it is popped, the real address written back, and the site's return programs run: the
 * direct one (probe_site.h) called in a read section, any other list through probe_run_return.
 */
#ifndef BPFTIME_TRAMPOLINE_FAST_H
#define BPFTIME_TRAMPOLINE_FAST_H

#include <stddef.h>
#include <stdint.h>

#include "x86_emit.h"

/* Where the generated code finds the engine's state (probe_layout.c). */
struct trampoline_layout {
	int32_t thread_tp_offset;	/* probe_thread_self from the thread pointer */
	int32_t thread_depth;		/* in struct probe_thread; the read-side word is at 0 */
	int32_t thread_shadow;
	uint32_t shadow_depth;
	int32_t site_entry, site_ret_direct; /* in struct probe_site */
};

/* The layout, or NULL when struct shadow_entry is not what the generated code expects. */
const struct trampoline_layout *probe_layout(void);

/*
 * The entry fast path: first in the trampoline the test of the site's flag byte (probe_site.h
 * return_only_flag), which returns the position of the rel32 of its branch to the path, and in
 * *flag_disp where trampoline_emit_return_only_flag binds the flag, emitted after the code. The
 * path itself comes after the trampoline's tails: it jumps back to buffer position general (the
 * general path, right after the test), or enters the function by a call of the displaced
 * instructions (buffer position displaced) from a return point of its own, which jumps to
 * called_return, and which it returns (probe_site.h return_point_fast).
 */
size_t trampoline_emit_return_only_check(struct x86_emit *e, size_t *flag_disp);
uintptr_t trampoline_emit_return_only_path(struct x86_emit *e, const void *site, const struct trampoline_layout *l,
					   size_t check, size_t general, size_t displaced, uintptr_t called_return);
void trampoline_emit_return_only_flag(struct x86_emit *e, size_t flag_disp);

/*
 * The return fast path, with rbx = rsp = &regs: it runs a direct program and falls through to
 * where the caller restores the registers (the real return address already in its slot). The
 * caller then emits that, and trampoline_emit_return_fast_list the path for other programs
 * (probe_run_return, run_return), which jumps back to done (that buffer position) and ends where
 * the general path must follow.
 */
struct return_fast_fixups {
	size_t slow[4];
	int nslow;
	size_t list;
};
void trampoline_emit_return_fast(struct x86_emit *e, const struct trampoline_layout *l, struct return_fast_fixups *f);
void trampoline_emit_return_fast_list(struct x86_emit *e, const struct return_fast_fixups *f, uintptr_t run_return,
				      size_t done);

#endif
