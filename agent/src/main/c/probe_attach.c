/* The engine's public API (bpftime_probe.h): attachments, sites and their arming, under one lock. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpftime_probe.h"
#include "code_alloc.h"
#include "cpu_sync.h"
#include "grace_period.h"
#include "int3_trap.h"
#include "probe_dispatch.h"
#include "probe_plan.h"
#include "probe_site.h"
#include "proc_maps.h"
#include "thread_state.h"

#define MAX_ATTACHMENTS 65536

struct record {
	int id;
	uint32_t kind;
	struct probe_site *site;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* Lists replaced by attach, freed at the next grace period (detach waits for one anyway). */
static struct prog_list *retired[64];
static unsigned nretired;
static struct record *records;
static size_t nrecords, capacity;
static int last_id;

/* The engine's own code, which must never be probed (a probe there would recurse): the Makefile
 * gathers it into the section bpftime_text, whose bounds the linker defines. */
extern const char __start_bpftime_text[] __attribute__((weak));
extern const char __stop_bpftime_text[] __attribute__((weak));

static int own_code(uintptr_t addr)
{
	return __start_bpftime_text && addr >= (uintptr_t)__start_bpftime_text &&
	       addr < (uintptr_t)__stop_bpftime_text;
}

static struct record *find_record(int id)
{
	for (size_t i = 0; i < nrecords; i++)
		if (records[i].id == id)
			return &records[i];
	return NULL;
}

/* Whether addr lies inside the bytes another armed site's jump replaced, or [addr, addr + len)
 * covers another armed site. */
static int overlaps_armed(uintptr_t addr, unsigned len, const struct probe_site *self)
{
	for (size_t i = 0; i < nrecords; i++) {
		const struct probe_site *s = records[i].site;
		if (s == self || !s->armed)
			continue;
		if (s->mode == BPFTIME_PROBE_MODE_INLINE && addr > s->addr && addr < s->addr + s->patch_len)
			return 1;
		if (s->addr > addr && s->addr < addr + len)
			return 1;
	}
	return 0;
}

/* Whether the code an idle site was planned from is still there (not another library's). */
static int same_code(const struct probe_site *s)
{
	size_t n = s->patch_len > s->first.len ? s->patch_len : s->first.len;
	return proc_maps_prot(s->addr) >= 0 && proc_maps_prot(s->addr + n - 1) >= 0 &&
	       memcmp((const void *)s->addr, s->orig, n) == 0;
}

static int get_site(uintptr_t addr, uint32_t flags, struct probe_site **out)
{
	struct probe_site *s = site_lookup(addr);
	/* A library unloaded and loaded again at the same place lost the patch: arm again (its
	 * attachments then run again, as the kernel reinserts uprobes when a file is mapped). */
	if (s && s->armed && !site_intact(s)) {
		if (s->upgrade)
			site_disarm(s);
		s->armed = 0;
	}
	/* An armed site keeps its mode; an idle one is reused when its code and flags still hold. */
	if (s && (s->armed || (same_code(s) && s->flags == flags))) {
		*out = s;
		return 0;
	}
	if (overlaps_armed(addr, 1, NULL))
		return -EBUSY;
	int r = probe_plan(addr, flags, &s);
	if (r)
		return r;
	if ((r = site_publish(s))) {
		free(s);
		return r;
	}
	*out = s;
	return 0;
}

static void list_mark(struct prog_list *l)
{
	l->gpr_only = l->no_helpers = 1;
	for (uint32_t i = 0; i < l->n; i++) {
		uint32_t f = l->a[i].prog.jit ? l->a[i].prog.flags : 0;
		if (!(f & (BPFTIME_PROBE_PROG_F_GPR_ONLY | BPFTIME_PROBE_PROG_F_NO_HELPERS)))
			l->gpr_only = 0;
		if (!(f & BPFTIME_PROBE_PROG_F_NO_HELPERS))
			l->no_helpers = 0;
	}
}

/* The trampoline's hint and direct program after one of the site's lists changed (probe_site.h). */
static void site_mark(struct probe_site *s)
{
	const struct prog_list *l = s->entry;
	__atomic_store_n(&s->gpr_only, (uint8_t)(!l || l->gpr_only), __ATOMIC_RELAXED);
	bpftime_jit_fn direct = NULL;
	if (l && l->n == 1 && l->a[0].prog.jit && (l->a[0].prog.flags & BPFTIME_PROBE_PROG_F_NO_HELPERS) && !s->ret)
		direct = l->a[0].prog.jit;
	__atomic_store_n(&s->direct, direct, __ATOMIC_RELEASE);
	const struct prog_list *r = s->ret;
	bpftime_jit_fn ret_direct = NULL;
	if (r && r->n == 1 && r->a[0].prog.jit && (r->a[0].prog.flags & BPFTIME_PROBE_PROG_F_NO_HELPERS))
		ret_direct = r->a[0].prog.jit;
	__atomic_store_n(&s->ret_direct, ret_direct, __ATOMIC_RELEASE);
	if (s->return_only_flag) {
		uint8_t return_only = !l && r, now;
		memcpy(&now, (const void *)s->return_only_flag, 1);
		if (now != return_only)
			code_write(s->return_only_flag, &return_only, 1); /* a stale flag is harmless (trampoline_fast.h) */
	}
}

static struct prog_list *list_with(const struct prog_list *old, const struct probe_attachment *a)
{
	uint32_t n = old ? old->n : 0;
	struct prog_list *l = malloc(sizeof(*l) + (n + 1) * sizeof(l->a[0]));
	if (!l)
		return NULL;
	if (n)
		memcpy(l->a, old->a, n * sizeof(l->a[0]));
	l->a[n] = *a;
	l->n = n + 1;
	list_mark(l);
	return l;
}

/* The list without attachment id; NULL (with *err 0) when nothing is left. */
static struct prog_list *list_without(const struct prog_list *old, int id, int *err)
{
	*err = 0;
	if (!old || old->n <= 1)
		return NULL;
	struct prog_list *l = malloc(sizeof(*l) + (old->n - 1) * sizeof(l->a[0]));
	if (!l) {
		*err = -ENOMEM;
		return NULL;
	}
	l->n = 0;
	for (uint32_t i = 0; i < old->n; i++)
		if (old->a[i].id != id)
			l->a[l->n++] = old->a[i];
	list_mark(l);
	return l;
}

/* Waits for a grace period, then frees the lists retired before it. */
static void free_retired(void)
{
	grace_period_wait();
	for (unsigned i = 0; i < nretired; i++)
		free(retired[i]);
	nretired = 0;
}

/* One pass over the sites waiting for their jump; returns how many still wait. */
static int upgrade_pending(void)
{
	int pending = 0;
	for (size_t i = 0; i < nrecords; i++) {
		struct probe_site *s = records[i].site;
		if (s->upgrade && site_upgrade(s) == 0)
			pending++;
	}
	return pending;
}

/* fork waits for an attach or detach in progress, so the child never inherits a held lock or a
 * half-patched site. */
static void lock_before_fork(void)
{
	pthread_mutex_lock(&lock);
}

static void unlock_after_fork(void)
{
	pthread_mutex_unlock(&lock);
}

static int initialised;

static int init(void)
{
	if (!initialised) {
		cpu_sync_init();
		probe_thread_init();
		pthread_atfork(lock_before_fork, unlock_after_fork, unlock_after_fork);
		initialised = 1;
	}
	return int3_trap_install();
}

static int resolve(const struct bpftime_probe_spec *spec, uintptr_t *addr)
{
	if (!spec->path) {
		*addr = (uintptr_t)spec->offset;
		return 0;
	}
	return proc_maps_resolve(spec->path, spec->offset, addr);
}

static int attach_locked(const struct bpftime_probe_spec *spec, struct bpftime_probe_prog prog, uint64_t cookie)
{
	uintptr_t addr;
	struct probe_site *s;
	int r;
	if ((r = init()) || (r = resolve(spec, &addr)))
		return r;
	upgrade_pending();
	if (own_code(addr))
		return -EPERM;
	if (nrecords == MAX_ATTACHMENTS)
		return -ENOSPC;
	if (nrecords == capacity) {
		size_t cap = capacity ? capacity * 2 : 16;
		struct record *grown = realloc(records, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		records = grown;
		capacity = cap;
	}
	if (spec->kind == BPFTIME_PROBE_RETURN && !probe_return_trampoline())
		return -ENOMEM;
	if (!probe_saving_stub())
		return -ENOMEM;
	if ((r = get_site(addr, spec->flags, &s)))
		return r;

	struct probe_attachment a = { ++last_id, spec->kind, prog, cookie };
	struct prog_list **slot = spec->kind == BPFTIME_PROBE_ENTRY ? &s->entry : &s->ret;
	struct prog_list *old = *slot, *l = list_with(old, &a);
	if (!l)
		return -ENOMEM;
	__atomic_store_n(slot, l, __ATOMIC_RELEASE);
	site_mark(s);
	if (!s->armed) {
		/* A jump may not cover another armed site; the breakpoint alone still works. */
		uintptr_t tramp = s->trampoline;
		if (tramp && overlaps_armed(s->addr, s->patch_len, s))
			s->trampoline = 0;
		r = (s->trampoline || s->emulate || s->xol) ? site_arm(s) : -EBUSY;
		s->trampoline = tramp;
		if (r) {
			__atomic_store_n(slot, old, __ATOMIC_RELEASE);
			site_mark(s);
			grace_period_wait();
			free(l);
			return r;
		}
	}
	if (old) {
		if (nretired == sizeof(retired) / sizeof(retired[0]))
			free_retired();
		retired[nretired++] = old;
	}
	records[nrecords++] = (struct record){ a.id, spec->kind, s };
	return a.id;
}

int bpftime_probe_attach(const struct bpftime_probe_spec *spec, struct bpftime_probe_prog prog, uint64_t cookie)
{
	if (!spec || spec->kind > BPFTIME_PROBE_RETURN || (spec->flags & ~BPFTIME_PROBE_F_INT3) ||
	    (!prog.jit && !prog.vm) || (prog.flags & ~(BPFTIME_PROBE_PROG_F_GPR_ONLY | BPFTIME_PROBE_PROG_F_NO_HELPERS)))
		return -EINVAL;
	pthread_mutex_lock(&lock);
	int r = attach_locked(spec, prog, cookie);
	pthread_mutex_unlock(&lock);
	return r;
}

/* parked: 0, or the thread (parked in another site's program) whose section is not waited for;
 * then only this probe's own old list is freed, and lists that attach retired wait for a full
 * grace period, since the parked thread may be reading one of them. */
static int detach(int id, pid_t parked)
{
	pthread_mutex_lock(&lock);
	struct record *rec = find_record(id);
	if (!rec) {
		pthread_mutex_unlock(&lock);
		return -ENOENT;
	}
	upgrade_pending();
	struct probe_site *s = rec->site;
	struct prog_list **slot = rec->kind == BPFTIME_PROBE_ENTRY ? &s->entry : &s->ret;
	struct prog_list *old = *slot;
	int err;
	struct prog_list *l = list_without(old, id, &err);
	if (err) {
		pthread_mutex_unlock(&lock);
		return err;
	}
	__atomic_store_n(slot, l, __ATOMIC_RELEASE);
	site_mark(s);
	if (!s->entry && !s->ret && s->armed)
		err = site_disarm(s);
	if (parked) {
		grace_period_wait_except(parked);
	} else {
		free_retired(); /* its grace period covers old too */
	}
	free(old);
	*rec = records[--nrecords];
	pthread_mutex_unlock(&lock);
	return err;
}

int bpftime_probe_detach(int id)
{
	return detach(id, 0);
}

int bpftime_probe_detach_parked(int id, pid_t parked)
{
	return detach(id, parked > 0 ? parked : 0);
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int bpftime_probe_poll(int timeout_ms)
{
	uint64_t deadline = monotonic_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000;
	for (;;) {
		pthread_mutex_lock(&lock);
		int pending = upgrade_pending();
		pthread_mutex_unlock(&lock);
		if (!pending || monotonic_ns() >= deadline)
			return pending;
		struct timespec ts = { 0, 200000 };
		nanosleep(&ts, NULL);
	}
}

int bpftime_probe_info(int id, struct bpftime_probe_info *info)
{
	pthread_mutex_lock(&lock);
	struct record *rec = find_record(id);
	if (rec) {
		memset(info, 0, sizeof(*info));
		info->address = rec->site->addr;
		info->mode = rec->site->mode;
		info->kind = rec->kind;
		info->misses = __atomic_load_n(&rec->site->misses, __ATOMIC_RELAXED);
		if (rec->site->upgrade)
			strncpy(info->why_int3, "waiting for threads to leave the displaced bytes", sizeof(info->why_int3) - 1);
		else if (rec->site->mode == BPFTIME_PROBE_MODE_INT3)
			memcpy(info->why_int3, rec->site->why_int3, sizeof(info->why_int3));
	}
	pthread_mutex_unlock(&lock);
	return rec ? 0 : -ENOENT;
}
