/*
 * The fast path, object by object: every object mapped at installation is scanned and its sites
 * rewritten; an object mapped later (dlopen) is noticed when one of its syscalls reaches the
 * fallback, and rewritten at the next hooked syscall of a thread in normal context. Code that is
 * not an ELF object (a JIT's) stays with the fallback.
 */
#include <sys/mman.h>
#include <sys/syscall.h>

#include "internal.h"
#include "objects.h"
#include "site_patch.h"
#include "site_scan.h"

#define MAX_OBJECTS 512
#define MAX_SITES (1u << 16)
#define MAX_GAPS (1u << 17)
#define NOT_OBJECT_PAGES 64

struct text_range {
	uint64_t lo, hi;
	int covered; /* every `syscall` in it rewritten or trapping, or none at all (coverage.c) */
};

static int sh_lock;
static struct text_range sh_done[MAX_OBJECTS * SH_OBJECT_MAX_TEXT];
static int sh_ndone;
SH_HIDDEN uint64_t sh_rewrite_pending; /* a trapped site outside every known object */
static uint64_t sh_not_object[NOT_OBJECT_PAGES]; /* pages found to belong to no object */
static unsigned sh_not_object_next;

struct run {
	int threads_may_run;
	uint64_t only_containing; /* 0: every new object; else the one holding this address */
	int found;
	struct sh_scan scan;
};

static int known(uint64_t addr)
{
	int n = __atomic_load_n(&sh_ndone, __ATOMIC_ACQUIRE);

	for (int i = 0; i < n; i++)
		if (addr >= sh_done[i].lo && addr < sh_done[i].hi)
			return 1;
	for (unsigned i = 0; i < NOT_OBJECT_PAGES; i++)
		if (sh_not_object[i] == (addr & ~0xfffull))
			return 1;
	return 0;
}

static int contains(const struct sh_object *obj, uint64_t addr)
{
	for (int i = 0; i < obj->ntext; i++)
		if (addr >= obj->text_lo[i] && addr < obj->text_hi[i])
			return 1;
	return 0;
}

/* Returns 0, or -1 when the table is full (the object then stays with the fallback). */
static int remember(const struct sh_object *obj)
{
	if (sh_ndone + obj->ntext > (int)(sizeof(sh_done) / sizeof(sh_done[0])))
		return -1;
	for (int i = 0; i < obj->ntext; i++)
		sh_done[sh_ndone + i] = (struct text_range){ obj->text_lo[i], obj->text_hi[i], 0 };
	__atomic_store_n(&sh_ndone, sh_ndone + obj->ntext, __ATOMIC_RELEASE);
	return 0;
}

static void mark_covered(const struct sh_object *obj)
{
	for (int i = 0; i < sh_ndone; i++)
		if (contains(obj, sh_done[i].lo))
			sh_done[i].covered = 1;
}

static int process(void *ctx, const struct sh_object *obj)
{
	struct run *run = ctx;
	struct sh_patch_result res = { .left = 0 };
	int scanned;

	if (run->only_containing && !contains(obj, run->only_containing))
		return 0;
	run->found = 1;
	if (known(obj->text_lo[0]) || remember(obj) < 0)
		return run->only_containing != 0;
	/* our own object: the gate must stay as it is, and its syscalls are the runtime's */
	if (contains(obj, (uint64_t)(uintptr_t)bpftime_sh_gate_begin)) {
		mark_covered(obj);
		return run->only_containing != 0;
	}
	SH_COUNT(objects_scanned, 1);
	scanned = sh_scan_object(obj, &run->scan) == 0;
	if (scanned && run->scan.nsites) {
		SH_COUNT(sites_found, run->scan.nsites);
		sh_patch_object(obj, &run->scan, run->threads_may_run, &res);
		SH_COUNT(sites_patched_jmp8, res.jmp8);
		SH_COUNT(sites_patched_displaced, res.displaced);
		SH_COUNT(sites_left_to_fallback, res.left);
		SH_COUNT(sites_trapping, res.trapped);
	}
	/* no 0f 05 anywhere, or each one a site now handled or inside a decoded instruction */
	if (!(sh_install_flags() & SH_FLAG_NO_REWRITE) &&
	    (run->scan.pairs_total == 0 ||
	     (scanned && run->scan.pairs_total == run->scan.pairs_accounted && res.untrapped == 0)))
		mark_covered(obj);
	return run->only_containing != 0;
}

int sh_rewrite_range_covered(uint64_t lo, uint64_t hi)
{
	int any = 0;

	for (int i = 0; i < sh_ndone; i++) {
		if (sh_done[i].lo >= hi || lo >= sh_done[i].hi)
			continue;
		if (!sh_done[i].covered)
			return 0;
		any = 1;
	}
	return any ? 1 : -1;
}

static void *scratch(uint64_t size)
{
	long r = bpftime_syscall_hooks_raw(SYS_mmap, 0, (long)size, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return r < 0 && r > -4096 ? 0 : (void *)r;
}

static void rewrite(int threads_may_run, uint64_t only_containing)
{
	struct run run = { threads_may_run, only_containing, 0, { 0 } };
	uint64_t sites_size = MAX_SITES * sizeof(struct sh_site);
	uint64_t gaps_size = MAX_GAPS * sizeof(struct sh_gap);

	run.scan.sites = scratch(sites_size);
	run.scan.gaps = scratch(gaps_size);
	run.scan.max_sites = MAX_SITES;
	run.scan.max_gaps = MAX_GAPS;
	if (run.scan.sites && run.scan.gaps) {
		sh_objects_each(process, &run);
		if (only_containing && !run.found) {
			sh_not_object[sh_not_object_next++ % NOT_OBJECT_PAGES] = only_containing & ~0xfffull;
		}
	}
	if (run.scan.sites)
		sh_raw2(SYS_munmap, (long)run.scan.sites, (long)sites_size);
	if (run.scan.gaps)
		sh_raw2(SYS_munmap, (long)run.scan.gaps, (long)gaps_size);
}

int sh_rewrite_all_objects(int threads_may_run)
{
	int covered;

	while (__atomic_exchange_n(&sh_lock, 1, __ATOMIC_ACQUIRE))
		;
	rewrite(threads_may_run, 0);
	covered = sh_coverage_complete();
	__atomic_store_n(&sh_lock, 0, __ATOMIC_RELEASE);
	return covered;
}

void sh_rewrite_note_trap(uint64_t site)
{
	if ((sh_install_flags() & SH_FLAG_NO_REWRITE) || known(site))
		return;
	__atomic_store_n(&sh_rewrite_pending, site, __ATOMIC_RELEASE);
	sh_fast_path_close();
}

/*
 * New code (coverage.c) is looked at again after 1, 2, 4 ... hooked syscalls: a library being
 * loaded is complete after a few more of the loader's syscalls, and code that stays uncovered (a
 * JIT's writable code) then costs one scan every million syscalls at most.
 */
#define PROOF_BACKOFF_MAX (1ull << 20)
SH_HIDDEN uint64_t sh_proof_countdown;
static uint64_t sh_proof_backoff = 1;

void sh_rewrite_schedule_proof(int soon)
{
	if (soon)
		sh_proof_backoff = 1;
	__atomic_store_n(&sh_proof_countdown, sh_proof_backoff, __ATOMIC_RELEASE);
	sh_fast_path_close(); /* the full path counts down and polls */
}

static void prove(void)
{
	unsigned generation = sh_coverage_generation();

	if (sh_install_flags() & SH_FLAG_NO_REWRITE)
		return; /* the fallback alone, by request */
	rewrite(1, 0);
	if (sh_coverage_complete()) {
		sh_coverage_release(generation);
		return;
	}
	sh_proof_backoff = sh_proof_backoff * 2 > PROOF_BACKOFF_MAX ? PROOF_BACKOFF_MAX : sh_proof_backoff * 2;
	__atomic_store_n(&sh_proof_countdown, sh_proof_backoff, __ATOMIC_RELEASE);
}

void sh_rewrite_poll_slow(void)
{
	uint64_t site;
	int due = 0;

	uint64_t left = __atomic_load_n(&sh_proof_countdown, __ATOMIC_RELAXED);
	while (left && !__atomic_compare_exchange_n(&sh_proof_countdown, &left, left - 1, 0, __ATOMIC_ACQ_REL,
						     __ATOMIC_RELAXED))
		;
	due = left == 1;
	if (!due && !__atomic_load_n(&sh_rewrite_pending, __ATOMIC_RELAXED))
		return;
	/* never wait: the lock holder may be this very thread, interrupted by a signal */
	if (__atomic_exchange_n(&sh_lock, 1, __ATOMIC_ACQUIRE)) {
		if (due)
			__atomic_store_n(&sh_proof_countdown, 1, __ATOMIC_RELEASE);
		return;
	}
	site = __atomic_exchange_n(&sh_rewrite_pending, 0, __ATOMIC_ACQ_REL);
	if (site && !known(site))
		rewrite(1, site);
	if (due)
		prove();
	__atomic_store_n(&sh_lock, 0, __ATOMIC_RELEASE);
	sh_fast_path_update();
}
