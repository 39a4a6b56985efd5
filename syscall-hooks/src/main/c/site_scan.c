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
