/* Site rewriting: see site_patch.h. */
#include <sys/mman.h>
#include <sys/syscall.h>

#include "internal.h"
#include "site_patch.h"

#define PAGE 4096ull
#define TRAMPOLINE_SLOT 48 /* longest instruction (15) + 5 + 7 + 6 + 8 + 5, rounded up */
#define SLOT_HEADER 16	   /* the entry pointer the trampolines jump through */

enum form { FORM_NONE, FORM_JMP8, FORM_DISPLACED };

static int fits_rel32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

/*
 * An instruction the trampoline may run in its stead: it neither branches nor uses RIP except
 * through a RIP-relative operand we can rebase, and it cannot fault (a fault would show the
 * application a RIP inside the trampoline): an immediate or register move or ALU operation, lea,
 * or a load from the stack.
 */
static int displaceable(const struct sh_insn *in)
{
	unsigned mod = in->modrm >> 6, reg = (in->modrm >> 3) & 7, rm = in->modrm & 7;

	if (in->len < 5 || in->kind != X86_OTHER || in->map != X86_MAP_ONE_BYTE || in->legacy)
		return 0;
	if (in->opcode >= 0xb8 && in->opcode <= 0xbf)
		return 1; /* mov $imm, %reg */
	if (in->opcode == 0xc7)
		return mod == 3 && reg == 0;
	if (in->opcode == 0x81)
		return mod == 3;
	if (in->opcode == 0x8d)
		return 1; /* lea computes, never accesses memory */
	if (in->opcode == 0x89)
		return mod == 3;
	if (in->opcode == 0x8b)
		return mod == 3 || (mod != 0 && rm == 4 && (in->sib & 7) == 4 && ((in->sib >> 3) & 7) == 4 &&
				    !(in->rex & 3));
	return 0;
}

/* One atomic store of n bytes at p when they lie in one aligned 8-byte word; otherwise a plain
 * copy, which the caller allows only while no other thread runs. */
static void store_code(uint64_t p, const uint8_t *bytes, unsigned n, int atomic)
{
	if (atomic) {
		uint64_t word_at = p & ~7ull, word = *(volatile uint64_t *)(uintptr_t)word_at;
		uint8_t *w = (uint8_t *)&word;

		for (unsigned i = 0; i < n; i++)
			w[p - word_at + i] = bytes[i];
		__atomic_store_n((uint64_t *)(uintptr_t)word_at, word, __ATOMIC_RELEASE);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		((volatile uint8_t *)(uintptr_t)p)[i] = bytes[i];
}

static int in_one_word(uint64_t p, unsigned n)
{
	return (p & 7) + n <= 8;
}

/* The padding nearest to a site that a jmp rel8 from after it reaches, with 5 bytes free. */
static struct sh_gap *find_pad(struct sh_scan *scan, uint64_t site)
{
	uint64_t from = site + 2;
	struct sh_gap *best = 0;
	uint64_t best_d = ~0ull;

	for (uint64_t i = 0; i < scan->ngaps; i++) {
		struct sh_gap *g = &scan->gaps[i];
		uint64_t pad = g->next_free;
		int64_t rel = (int64_t)(pad - from);
		uint64_t d = rel < 0 ? (uint64_t)-rel : (uint64_t)rel;

		if (pad + 5 <= g->hi && rel >= -128 && rel <= 127 && d < best_d) {
			best = g;
			best_d = d;
		}
	}
	return best;
}

static uint8_t *emit(uint8_t *p, const uint8_t *bytes, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		*p++ = bytes[i];
	return p;
}

static uint8_t *emit_rel32(uint8_t *p, uint8_t op0, int op1, uint64_t target)
{
	*p++ = op0;
	if (op1 >= 0)
		*p++ = (uint8_t)op1;
	int32_t rel = (int32_t)(int64_t)(target - ((uint64_t)(uintptr_t)p + 4));
	return emit(p, (const uint8_t *)&rel, 4);
}

/* Writes the trampoline of one site at t; 0, or -1 when a displaced RIP-relative operand would
 * not reach its target from there. */
static int build_trampoline(uint8_t *t, uint64_t slot, const struct sh_site *s, enum form form)
{
	static const uint8_t skip_red_zone[] = { 0x48, 0x8d, 0x64, 0x24, 0x80 }; /* lea -128(%rsp),%rsp */
	static const uint8_t red_zone_back[] = { 0x48, 0x8d, 0xa4, 0x24, 0x80, 0, 0, 0 }; /* lea 128(%rsp),%rsp */
	uint8_t *p = t;

	if (form == FORM_DISPLACED) {
		const struct sh_insn *in = &s->prev_insn;

		p = emit(p, (const uint8_t *)(uintptr_t)s->prev, in->len);
		if (in->rip_disp) {
			int32_t disp;
			uint8_t *d = t + in->rip_disp;

			for (int i = 0; i < 4; i++)
				((uint8_t *)&disp)[i] = d[i];
			int64_t target = (int64_t)(s->prev + in->len) + disp;
			int64_t rebased = target - (int64_t)((uint64_t)(uintptr_t)t + in->len);
			if (!fits_rel32(rebased))
				return -1;
			disp = (int32_t)rebased;
			emit(d, (const uint8_t *)&disp, 4);
		}
	}
	p = emit(p, skip_red_zone, sizeof(skip_red_zone));
	*p++ = 0x48; /* lea resume(%rip),%rcx */
	p = emit_rel32(p, 0x8d, 0x0d, s->addr + 2);
	int64_t to_entry = (int64_t)((uint64_t)(uintptr_t)bpftime_sh_entry - ((uint64_t)(uintptr_t)p + 5));
	if (fits_rel32(to_entry))
		p = emit_rel32(p, 0xe8, -1, (uint64_t)(uintptr_t)bpftime_sh_entry); /* call entry */
	else
		p = emit_rel32(p, 0xff, 0x15, slot); /* call *slot(%rip): the entry is out of reach */
	p = emit(p, red_zone_back, sizeof(red_zone_back));
	emit_rel32(p, 0xe9, -1, s->addr + 2); /* jmp resume */
	return 0;
}

static void plan(struct sh_scan *scan, int threads_may_run)
{
	for (uint64_t i = 0; i < scan->nsites; i++) {
		struct sh_site *s = &scan->sites[i];
		struct sh_gap *g;

		s->form = FORM_NONE;
		if (s->prev && s->prev + s->prev_insn.len == s->addr && displaceable(&s->prev_insn) &&
		    (!threads_may_run || in_one_word(s->prev, 5))) {
			s->form = FORM_DISPLACED;
		} else if ((!threads_may_run || in_one_word(s->addr, 2)) && (g = find_pad(scan, s->addr))) {
			s->form = FORM_JMP8;
			s->pad = g->next_free;
			g->next_free += 5;
		}
	}
}

static void write_site(const struct sh_site *s, int threads_may_run)
{
	uint8_t code[5];
	int32_t rel;

	if (s->form == FORM_DISPLACED) {
		code[0] = 0xe9;
		rel = (int32_t)(int64_t)(s->trampoline - (s->prev + 5));
		emit(code + 1, (const uint8_t *)&rel, 4);
		store_code(s->prev, code, 5, threads_may_run);
	} else {
		code[0] = 0xe9;
		rel = (int32_t)(int64_t)(s->trampoline - (s->pad + 5));
		emit(code + 1, (const uint8_t *)&rel, 4);
		store_code(s->pad, code, 5, 0); /* padding: nothing executes it */
		code[0] = 0xeb;
		code[1] = (uint8_t)(int8_t)(int64_t)(s->pad - (s->addr + 2));
		store_code(s->addr, code, 2, threads_may_run);
	}
}

/* The site's `syscall` becomes `ud2` (trap_sites.c): one byte, 05 -> 0b. */
static int trap_site(uint64_t addr)
{
	if (sh_trap_site_add(addr) < 0)
		return -1;
	__atomic_store_n((uint8_t *)(uintptr_t)(addr + 1), (uint8_t)0x0b, __ATOMIC_RELEASE);
	return 0;
}

/* Trampolines for the sites planned to get one, made executable before any site can reach them;
 * a site whose trampoline cannot be built falls back to FORM_NONE. */
static void build_trampolines(struct sh_scan *scan, uint64_t lo, uint64_t hi)
{
	uint64_t n = 0, size, region, t;

	for (uint64_t i = 0; i < scan->nsites; i++)
		n += scan->sites[i].form != FORM_NONE;
	if (!n)
		return;
	size = (SLOT_HEADER + n * TRAMPOLINE_SLOT + PAGE - 1) & ~(PAGE - 1);
	region = sh_alloc_near(lo, hi, size);
	if (region) {
		*(uint64_t *)(uintptr_t)region = (uint64_t)(uintptr_t)bpftime_sh_entry;
		t = region + SLOT_HEADER;
		for (uint64_t i = 0; i < scan->nsites; i++) {
			struct sh_site *s = &scan->sites[i];

			if (s->form == FORM_NONE)
				continue;
			if (build_trampoline((uint8_t *)(uintptr_t)t, region, s, s->form) < 0) {
				s->form = FORM_NONE; /* a RIP-relative operand out of reach from here */
				continue;
			}
			s->trampoline = t;
			t += TRAMPOLINE_SLOT;
		}
		if (sh_raw3(SYS_mprotect, (long)region, (long)size, PROT_READ | PROT_EXEC) == 0) {
			sh_own_code_add(region, region + size);
			return;
		}
		sh_raw2(SYS_munmap, (long)region, (long)size);
	}
	for (uint64_t i = 0; i < scan->nsites; i++)
		scan->sites[i].form = FORM_NONE;
}

void sh_patch_object(const struct sh_object *obj, struct sh_scan *scan, int threads_may_run,
		     struct sh_patch_result *res)
{
	uint64_t lo = obj->text_lo[0], hi = obj->text_hi[0];

	*res = (struct sh_patch_result){ .left = scan->nsites };
	if (!scan->nsites)
		return;
	for (int i = 1; i < obj->ntext; i++) {
		lo = obj->text_lo[i] < lo ? obj->text_lo[i] : lo;
		hi = obj->text_hi[i] > hi ? obj->text_hi[i] : hi;
	}
	plan(scan, threads_may_run);
	build_trampolines(scan, lo, hi);

	/* Then the code: writable for the while, and still executable for threads running it */
	uint64_t plo = lo & ~(PAGE - 1), phi = (hi + PAGE - 1) & ~(PAGE - 1);
	if (sh_raw3(SYS_mprotect, (long)plo, (long)(phi - plo), PROT_READ | PROT_WRITE | PROT_EXEC) < 0) {
		res->untrapped = scan->nsites; /* W+X refused (a hardened kernel): the fallback covers all */
		return;
	}
	for (uint64_t i = 0; i < scan->nsites; i++) {
		const struct sh_site *s = &scan->sites[i];

		if (s->form != FORM_NONE) {
			write_site(s, threads_may_run);
			res->left--;
			if (s->form == FORM_DISPLACED)
				res->displaced++;
			else
				res->jmp8++;
		}
		/* a jmp8 site's `syscall` is gone; any other must trap if ever executed */
		if (s->form != FORM_JMP8 && trap_site(s->addr) == 0)
			res->trapped += s->form == FORM_NONE;
		else if (s->form != FORM_JMP8)
			res->untrapped++;
	}
	sh_raw3(SYS_mprotect, (long)plo, (long)(phi - plo), PROT_READ | PROT_EXEC);
}
