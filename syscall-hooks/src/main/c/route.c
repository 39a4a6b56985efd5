/*
 * Per syscall number, what the hooks do with it (bpftime_syscall_hooks_route): the routes the user
 * set, and the table the entry's fast path reads (gate.S), which folds in what each route means
 * now: a special syscall always takes the full path, and a number routed to the callbacks passes
 * straight when there are none, takes the fast path's callback call when they are pure and
 * enter-only, and the full path otherwise.
 */
#include <errno.h>

#include "bpftime_syscall_ctx.h"
#include "internal.h"

SH_HIDDEN uint8_t sh_route_user[SH_NR_TABLE];
SH_HIDDEN uint8_t bpftime_sh_route_eff[SH_NR_TABLE];
/* Per number, the direct program: read inside the section, NULL when gone. */
SH_HIDDEN bpftime_syscall_hooks_prog_fn bpftime_sh_direct_prog[SH_NR_TABLE];
/* Where the pointer to the calling thread's section word is, from the thread pointer. */
SH_HIDDEN intptr_t bpftime_sh_section_tp;
static int section_set;

static int lock;

static void route_lock(void)
{
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void route_unlock(void)
{
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

/* What SH_EFF_CALLBACK numbers' callbacks are; when they are the fast path's, its pointer is
 * published first, so a thread reading SH_EFF_CALLBACK calls callbacks that are pure. */
static uint8_t callbacks_route(const struct bpftime_syscall_hooks_callbacks *cb)
{
	if (!cb || (!cb->on_enter && !cb->on_exit))
		return SH_EFF_PASS;
	if (cb->on_exit || !(cb->flags & BPFTIME_SH_CALLBACKS_PURE) || (cb->flags & BPFTIME_SH_CALLBACKS_USE_VECTOR))
		return SH_EFF_FULL;
	__atomic_store_n(&bpftime_sh_fast_cb, cb, __ATOMIC_RELEASE);
	return SH_EFF_CALLBACK;
}

static uint8_t effective(long nr, uint8_t for_callbacks)
{
	if (bpftime_sh_special[nr])
		return SH_EFF_FULL;
	switch (sh_route_user[nr]) {
	case BPFTIME_SH_ROUTE_NONE:
		return SH_EFF_PASS;
	case BPFTIME_SH_ROUTE_DIRECT:
		return SH_EFF_DIRECT;
	default:
		return for_callbacks;
	}
}

/* The callbacks changed (dispatch.c), before the fast path's byte is computed again. */
void sh_routes_refresh(const struct bpftime_syscall_hooks_callbacks *cb)
{
	route_lock();
	uint8_t c = callbacks_route(cb);
	for (long nr = 0; nr < SH_NR_TABLE; nr++)
		__atomic_store_n(&bpftime_sh_route_eff[nr], effective(nr, c), __ATOMIC_RELEASE);
	route_unlock();
}

/* c: callbacks_route of the callbacks in force (lock held) */
static void route_set(long nr, uint8_t route, bpftime_syscall_hooks_prog_fn prog, uint8_t c)
{
	/* the program before the route that names it; gone before any other route (a thread that
	 * read the old route then finds no program inside its section) */
	__atomic_store_n(&bpftime_sh_direct_prog[nr], prog, __ATOMIC_RELEASE);
	__atomic_store_n(&sh_route_user[nr], route, __ATOMIC_RELAXED);
	__atomic_store_n(&bpftime_sh_route_eff[nr], effective(nr, c), __ATOMIC_RELEASE);
}

int bpftime_syscall_hooks_route(long nr, unsigned route)
{
	if (nr < -1 || nr >= SH_NR_TABLE || route > BPFTIME_SH_ROUTE_NONE)
		return -EINVAL;
	route_lock();
	uint8_t c = callbacks_route(sh_callbacks_get());
	for (long i = nr < 0 ? 0 : nr; i < (nr < 0 ? SH_NR_TABLE : nr + 1); i++)
		route_set(i, (uint8_t)route, NULL, c);
	route_unlock();
	return 0;
}

void bpftime_syscall_hooks_set_direct_section(intptr_t tls_offset)
{
	__atomic_store_n(&bpftime_sh_section_tp, tls_offset, __ATOMIC_RELEASE);
	__atomic_store_n(&section_set, 1, __ATOMIC_RELEASE);
}

int bpftime_syscall_hooks_route_direct(long nr, bpftime_syscall_hooks_prog_fn prog)
{
	if (nr < 0 || nr >= SH_NR_TABLE || !__atomic_load_n(&section_set, __ATOMIC_ACQUIRE))
		return -EINVAL;
	route_lock();
	route_set(nr, prog ? BPFTIME_SH_ROUTE_DIRECT : BPFTIME_SH_ROUTE_CALLBACKS, prog,
		  callbacks_route(sh_callbacks_get()));
	route_unlock();
	return 0;
}

unsigned sh_route_of(long nr)
{
	return (unsigned long)nr < SH_NR_TABLE ? __atomic_load_n(&sh_route_user[nr], __ATOMIC_RELAXED)
					       : BPFTIME_SH_ROUTE_CALLBACKS;
}

/* The full path's run of a direct program (gate.S does the same on the fast path): the record
 * built from the frame's saved registers, inside the caller's read section. */
int sh_route_direct(const struct sh_frame *f, long nr)
{
	struct bpftime_sys_enter_ctx c;
	const uint64_t *args = &f->rdi;
	uint64_t *word;
	bpftime_syscall_hooks_prog_fn prog;

	__asm__("mov %%fs:(%1), %0" : "=r"(word) : "r"(__atomic_load_n(&bpftime_sh_section_tp, __ATOMIC_ACQUIRE)));
	if (!word)
		return SH_DIRECT_TO_CALLBACKS;
	if (*(volatile uint64_t *)word & 1)
		return 0;
	(*(volatile uint64_t *)word)++;
	__asm__ volatile("" ::: "memory");
	prog = __atomic_load_n(&bpftime_sh_direct_prog[nr], __ATOMIC_ACQUIRE);
	if (prog) {
		c.head.regs = 0;
		c.syscall_nr = (int32_t)nr;
		c.pad = 0;
		for (int i = 0; i < 6; i++)
			c.args[i] = args[i];
		prog(&c, 0);
	}
	__asm__ volatile("" ::: "memory");
	(*(volatile uint64_t *)word)++;
	return 0;
}
