/* Syscall sites and padding of one object: see site_scan.h. */
#include "eh_frame.h"
#include "site_scan.h"

struct scan_ctx {
	const struct sh_object *obj;
	struct sh_scan *scan;
	uint64_t prev_end; /* end of the previous function, 0 before the first */
	int prev_text;	   /* its text segment */
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
 * Whether the bytes 0f 05 (`syscall`) occur in [start, end). Most functions have none, and
 * decoding them could find none either: a `syscall` instruction is those two bytes. Looking for
 * them first spares decoding nearly all of libc (the bulk of the installation's cost).
 */
static int has_syscall_bytes(uint64_t start, uint64_t end)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull, fives = 0x0505050505050505ull;
	const uint8_t *p = (const uint8_t *)(uintptr_t)start;
	uint64_t n = end - start;

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
			if (p[j] == 0x05 && p[j - 1] == 0x0f)
				return 1;
	}
	return 0;
}

static void scan_function(void *vctx, uint64_t start, uint64_t end)
{
	struct scan_ctx *ctx = vctx;
	struct sh_scan *scan = ctx->scan;
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
	if (!has_syscall_bytes(start, end))
		return;
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
	}
}

int sh_scan_object(const struct sh_object *obj, struct sh_scan *scan)
{
	struct scan_ctx ctx = { obj, scan, 0, -1 };

	scan->nsites = scan->ngaps = scan->functions = scan->functions_refused = 0;
	if (!obj->eh_hdr)
		return -1;
	return sh_eh_frame_ranges(obj->eh_hdr, obj->eh_lo, obj->eh_hi, scan_function, &ctx) < 0 ? -1 : 0;
}
