/* Syscall sites and padding of one object: see site_scan.h. */
#include "eh_frame.h"
#include "site_scan.h"

struct scan_ctx {
	const struct sh_object *obj;
	struct sh_scan *scan;
	uint64_t prev_end; /* end of the previous function, 0 before the first */
	int prev_text;	   /* its text segment */
	/* A `syscall` right at the end of a function decoded exactly, outside every FDE: glibc's
	 * clone and clone3 end their CFI there so that the child's unwinding stops (the child part
	 * has an FDE of its own after it). Kept until the next function shows whether it holds it. */
	struct sh_site tail;
};

static int text_of(const struct sh_object *obj, uint64_t lo, uint64_t hi)
{
	for (int i = 0; i < obj->ntext; i++)
		if (lo >= obj->text_lo[i] && hi <= obj->text_hi[i] && lo < hi)
			return i;
	return -1;
}

/* A gap counts as padding when it decodes to nops and int3s only, ending exactly at its end. */
static void consider_gap(struct sh_scan *scan, uint64_t lo, uint64_t hi)
{
	struct sh_insn in;

	if (hi - lo < 5 || hi - lo > 4096 || scan->ngaps >= scan->max_gaps)
		return;
	for (uint64_t at = lo; at < hi; at += in.len) {
		if (sh_insn_decode((const uint8_t *)(uintptr_t)at, hi - at, &in) < 0 ||
		    (in.kind != X86_NOP && in.kind != X86_INT3))
			return;
	}
	scan->gaps[scan->ngaps++] = (struct sh_gap){ lo, hi, lo };
}

/*
 * How many times the bytes 0f 05 (`syscall`) occur in [start, end), both bytes inside. Most
 * functions have none, and decoding them could find none either: a `syscall` instruction is those
 * two bytes. Looking for them first spares decoding nearly all of libc (the bulk of the
 * installation's cost); counting them everywhere tells whether every one is accounted for.
 */
static uint64_t syscall_bytes(uint64_t start, uint64_t end)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull, fives = 0x0505050505050505ull;
	const uint8_t *p = (const uint8_t *)(uintptr_t)start;
	uint64_t n = end - start, found = 0;

	/* a 05 after a 0f: eight bytes at a time, looked at closely only when one of them is 05 (a
	 * zero byte of w ^ fives: Hacker's Delight, 6-1) */
	for (uint64_t i = 1; i < n; i += 8) {
		uint64_t w, k = n - i < 8 ? n - i : 8;

		if (k == 8) {
			__builtin_memcpy(&w, p + i, 8);
			w ^= fives;
			if (!((w - ones) & ~w & highs))
				continue;
		}
		for (uint64_t j = i; j < i + k; j++)
			found += p[j] == 0x05 && p[j - 1] == 0x0f;
	}
	return found;
}

static void flush_tail(struct scan_ctx *ctx, uint64_t next_start)
{
	struct sh_scan *scan = ctx->scan;

	if (ctx->tail.addr && next_start > ctx->tail.addr && scan->nsites < scan->max_sites) {
		scan->sites[scan->nsites++] = ctx->tail;
		scan->pairs_accounted++;
	}
	ctx->tail.addr = 0;
}

static void scan_function(void *vctx, uint64_t start, uint64_t end)
{
	struct scan_ctx *ctx = vctx;
	struct sh_scan *scan = ctx->scan;

	flush_tail(ctx, start);
	uint64_t first_site = scan->nsites, at = start, prev = 0;
	struct sh_insn in, prev_insn = { 0 };
	int text = text_of(ctx->obj, start, end);

	if (text < 0)
		return;
	if (ctx->prev_end && text == ctx->prev_text && start > ctx->prev_end)
		consider_gap(scan, ctx->prev_end, start);
	ctx->prev_end = end;
	ctx->prev_text = text;
	scan->functions++;
	/* 0f 05 across the end: the 0f is inside the function's last instruction, never a `syscall` */
	const uint8_t *after = (const uint8_t *)(uintptr_t)end;
	uint64_t pairs = syscall_bytes(start, end), across = end < ctx->obj->text_hi[text] &&
		after[-1] == 0x0f && after[0] == 0x05;
	int tail = end + 1 < ctx->obj->text_hi[text] && after[0] == 0x0f && after[1] == 0x05;
	if (!pairs && !tail) {
		scan->pairs_accounted += across;
		return;
	}
	for (; at < end; at += in.len) {
		if (sh_insn_decode((const uint8_t *)(uintptr_t)at, end - at, &in) < 0)
			break;
		if (in.kind == X86_SYSCALL && scan->nsites < scan->max_sites)
			scan->sites[scan->nsites++] = (struct sh_site){ .addr = at, .prev = prev, .prev_insn = prev_insn };
		prev = at;
		prev_insn = in;
	}
	if (at != end) {
		scan->nsites = first_site; /* not understood to the end: trust none of it */
		scan->functions_refused++;
		return;
	}
	scan->pairs_accounted += pairs + across;
	if (tail)
		ctx->tail = (struct sh_site){ .addr = end, .prev = prev, .prev_insn = prev_insn };
}

int sh_scan_object(const struct sh_object *obj, struct sh_scan *scan)
{
	struct scan_ctx ctx = { obj, scan, 0, -1, { 0 } };
	int r;

	scan->nsites = scan->ngaps = scan->functions = scan->functions_refused = 0;
	scan->pairs_total = scan->pairs_accounted = 0;
	for (int i = 0; i < obj->ntext; i++)
		scan->pairs_total += syscall_bytes(obj->text_lo[i], obj->text_hi[i]);
	if (!obj->eh_hdr)
		return -1;
	r = sh_eh_frame_ranges(obj->eh_hdr, obj->eh_lo, obj->eh_hi, scan_function, &ctx);
	flush_tail(&ctx, ~0ull);
	return r < 0 ? -1 : 0;
}
