/*
 * Uretprobes: at a probed function's entry the return address on the stack is replaced by the
 * return trampoline and kept on the thread's shadow stack; when the function returns, the return
 * programs run with the return value in regs->ax and execution goes on at the real address. As the
 * kernel does (kernel/events/uprobes.c prepare_uretprobe, handle_trampoline): a tail call from one
 * probed function into another finds the trampoline already in the slot and chains a second entry
 * to the same slot; entries left behind by longjmp are dropped when a shallower frame returns.
 *
 * Entered by a call: replacing the return address makes the function's `ret` go where the CPU's
 * return-stack buffer does not predict, and the trampoline's own return after it too (both
 * mispredicted, and every return of the callers after them, as the buffer is then off by one). At a
 * site whose trampoline has a return point (probe_site.h), the trampoline instead drops the return
 * address (kept on the shadow stack as before) and *calls* the function's displaced instructions:
 * the call writes the return point into the same slot, so the function returns where the buffer
 * predicts, the return point jumps to the return trampoline, and its `ret` to the real address
 * matches the caller's own call.
 */
#ifndef BPFTIME_URETPROBE_H
#define BPFTIME_URETPROBE_H

#include "thread_state.h"

struct probe_site;

/*
 * Keeps the return address at regs->sp (the function's first instruction) on the shadow stack. With
 * may_call (the hit came through the site's trampoline and no program overrode the function) and a
 * return point at the site, returns 1: the trampoline must enter the function by a call. Otherwise
 * replaces the return address with the return trampoline and returns 0.
 */
int uretprobe_push(struct probe_thread *t, struct probe_site *site, struct bpftime_pt_regs *regs, int may_call);

#endif
