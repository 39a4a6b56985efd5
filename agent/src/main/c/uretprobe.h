/*
 * Uretprobes: at a probed function's entry the return address on the stack is replaced by the
 * return trampoline and kept on the thread's shadow stack; when the function returns, the return
 * programs run with the return value in regs->ax and execution goes on at the real address. As the
 * kernel does (kernel/events/uprobes.c prepare_uretprobe, handle_trampoline): a tail call from one
 * probed function into another finds the trampoline already in the slot and chains a second entry
 * to the same slot; entries left behind by longjmp are dropped when a shallower frame returns.
 */
#ifndef BPFTIME_URETPROBE_H
#define BPFTIME_URETPROBE_H

#include "thread_state.h"

struct probe_site;

/* Replaces the return address at regs->sp (the function's first instruction). */
void uretprobe_push(struct probe_thread *t, struct probe_site *site, struct bpftime_pt_regs *regs);

#endif
