#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "code_alloc.h"
#include "elf_functions.h"
#include "probe_dispatch.h"
#include "probe_plan.h"
#include "proc_maps.h"
#include "thread_state.h"
#include "trampoline.h"
#include "x86_emulate.h"
#include "x86_relocate.h"

#define JMP_LEN 5
#define MAX_DISPLACED 8
#define MAX_TRAMPOLINE 4096

struct function {
	uintptr_t start, end;    /* in memory */
	int abi_entry;           /* start is entered by calls (System V ABI state holds there) */
	const uint8_t *file;     /* the function's bytes in its ELF file */
};

struct displaced {
	unsigned n;
	unsigned len;
	struct x86_insn insn[MAX_DISPLACED];
};

/* The function holding addr, from the symbols of the file mapped there. */
static int find_function(uintptr_t addr, struct elf_file **elf, struct function *f)
{
	char path[PATH_MAX];
	uintptr_t map_start;
	uint64_t map_offset, vaddr, start, size;
	const char *name;
	size_t avail;
	dev_t dev; /* unused: see elf_is_file */
	ino_t inode;
	int r = proc_maps_file_of(addr, path, sizeof(path), &map_start, &map_offset, &dev, &inode);
	if (r)
		return r;
	if ((r = elf_open(path, elf)))
		return r;
	if (!elf_is_file(*elf, inode)) /* replaced on disk since it was mapped */
		return -ESTALE;
	if ((r = elf_offset_to_vaddr(*elf, addr - map_start + map_offset, &vaddr)) ||
	    (r = elf_find_function(*elf, vaddr, &start, &size, &name)))
		return r;
	/* A compiler's cold part (f.cold) is entered by a jump from f, not called: not an ABI entry. */
	f->abi_entry = strstr(name, ".cold") == NULL;
	f->file = elf_vaddr_bytes(*elf, start, &avail);
	if (!f->file || avail < size)
		return -ENOENT;
	f->start = addr - (vaddr - start);
	f->end = f->start + size;
	return 0;
}

/* The instructions covering at least a jump's 5 bytes from addr, all inside the function. */
static const char *displace(const struct function *f, uintptr_t addr, struct displaced *d)
{
	const uint8_t *code = f->file + (addr - f->start);
	size_t left = f->end - addr;
	d->n = d->len = 0;
	while (d->len < JMP_LEN) {
		if (d->n == MAX_DISPLACED)
			return "too many displaced instructions";
		if (d->len >= left)
			return "function shorter than a jump";
		int r = x86_decode(code + d->len, left - d->len, &d->insn[d->n]);
		if (r < 0)
			return r == -ENODATA ? "function shorter than a jump" : "undecodable instruction";
		d->len += r;
		d->n++;
	}
	if (d->len > SITE_MAX_PATCH)
		return "displaced instructions too long";
	return NULL;
}

static int unconditional(const struct x86_insn *in)
{
	return in->flow == X86_FLOW_JMP_REL || in->flow == X86_FLOW_JMP_IND || in->flow == X86_FLOW_RET;
}

/*
 * Checks the whole function: addr must be an instruction boundary (else *bad_offset is set), and
 * no branch may land inside (addr, addr + len).
 */
static const char *scan_function(const struct function *f, uintptr_t addr, unsigned len, int at_start,
				 int *bad_offset)
{
	size_t size = f->end - f->start;
	int boundary = 0, indirect = 0;
	for (size_t off = 0; off < size;) {
		struct x86_insn in;
		int r = x86_decode(f->file + off, size - off, &in);
		if (r < 0)
			return "undecodable instruction in the function";
		uintptr_t here = f->start + off;
		if (here == addr)
			boundary = 1;
		else if (here > addr && !boundary)
			break;
		if (in.rel_size) {
			uintptr_t target = here + in.len + (int64_t)in.rel;
			if (target > addr && target < addr + len)
				return "a branch targets the displaced bytes";
		}
		if (in.flow == X86_FLOW_JMP_IND)
			indirect = 1;
		off += r;
	}
	if (!boundary) {
		*bad_offset = 1;
		return "not an instruction boundary";
	}
	if (indirect && !at_start)
		return "indirect jump in the function (a jump table may target the displaced bytes)";
	return NULL;
}

/* Emits the entry trampoline for the displaced instructions d at e->runtime. */
static const char *emit_trampoline(struct x86_emit *e, struct probe_site *s, const struct displaced *d)
{
	struct trampoline_options o = { TRAMPOLINE_VEC_FULL,
					1,
					1,
					probe_entry_hit_gpr,
					(int32_t)offsetof(struct probe_site, gpr_only),
					(int32_t)offsetof(struct probe_site, direct),
					(int32_t)probe_thread_self_tp_offset() };
	if (s->at_function_start) {
		o.vectors = TRAMPOLINE_VEC_ARGS;
		o.restore_flags = o.clear_df = 0;
		for (unsigned i = 0, off = 0; i < d->n; off += d->insn[i].len, i++)
			if (x86_reads_flags(s->orig + off, &d->insn[i]))
				o.restore_flags = 1;
	}
	/* Uretprobes may come later: at a function's first instruction the trampoline can always enter
	 * the function by a call (uretprobe.h), when the return trampoline for it can be made; and,
	 * unless a displaced instruction reads the flags its fast path changes, push the shadow entry
	 * itself (trampoline_fast.h). */
	uintptr_t called_return = s->at_function_start ? probe_return_trampoline_called() : 0;
	const struct trampoline_layout *fast = called_return && !o.restore_flags ? probe_layout() : NULL;
	size_t flag_disp = 0, check = fast ? trampoline_emit_return_only_check(e, &flag_disp) : 0, general = e->pos;
	size_t fixup = trampoline_emit_entry(e, s, s->addr, probe_entry_hit, &o);
	size_t displaced = e->pos;
	unsigned off = 0;
	for (unsigned i = 0; i < d->n; i++) {
		int r = x86_relocate_one(e, s->orig + off, &d->insn[i], s->addr + off, i == d->n - 1);
		if (r)
			return x86_reloc_refusal_name(r);
		off += d->insn[i].len;
	}
	if (emit_jmp(e, s->addr + d->len))
		return "trampoline out of reach";
	s->return_point = trampoline_emit_tails(e, fixup, displaced, o.restore_flags, called_return);
	s->return_only_flag = s->return_point_fast = 0;
	if (fast) {
		s->return_point_fast = trampoline_emit_return_only_path(e, s, fast, check, general, displaced, called_return);
		s->return_only_flag = emit_here(e);
		trampoline_emit_return_only_flag(e, flag_disp);
	}
	return e->overflow ? "trampoline too long" : NULL;
}

/* Emits code for the site twice: at a dummy address to learn its size, then where it is allocated. */
typedef const char *(*emitter)(struct x86_emit *e, struct probe_site *s, const void *arg);

static const char *build(struct probe_site *s, emitter fn, const void *arg, uintptr_t *out, int *err)
{
	uint8_t *buf = malloc(MAX_TRAMPOLINE);
	if (!buf) {
		*err = -ENOMEM;
		return "out of memory";
	}
	struct x86_emit e = { buf, 0, MAX_TRAMPOLINE, s->addr, 0 };
	const char *why = fn(&e, s, arg);
	uintptr_t at = 0;
	if (!why && (*err = code_alloc_near(s->addr, e.pos, &at)))
		why = "no memory for a trampoline near the site";
	if (!why) {
		e = (struct x86_emit){ buf, 0, MAX_TRAMPOLINE, at, 0 };
		why = fn(&e, s, arg);
	}
	if (!why && (*err = code_write(at, buf, e.pos)))
		why = "cannot write the trampoline";
	free(buf);
	if (!why)
		*out = at;
	return why;
}

static const char *emit_trampoline_cb(struct x86_emit *e, struct probe_site *s, const void *arg)
{
	return emit_trampoline(e, s, arg);
}

static const char *emit_xol(struct x86_emit *e, struct probe_site *s, const void *arg)
{
	int r = x86_relocate_one(e, s->orig, &s->first, s->addr, 1);
	if (r)
		return x86_reloc_refusal_name(r);
	if (emit_jmp(e, s->addr + s->first.len))
		return "out of reach";
	return e->overflow ? "too long" : NULL;
}

static const char *plan_inline(struct probe_site *s, const struct function *f, int *err)
{
	struct displaced d;
	int bad_offset = 0;
	const char *why = displace(f, s->addr, &d);
	if (why)
		return why;
	if ((why = scan_function(f, s->addr, d.len, s->at_function_start, &bad_offset)))
		return why;
	for (unsigned i = 0, off = 0; i < d.n; off += d.insn[i].len, i++) {
		int r = x86_reloc_check(f->file + (s->addr - f->start) + off, &d.insn[i], i == d.n - 1);
		if (r)
			return x86_reloc_refusal_name(r);
		if (s->at_function_start && i < d.n - 1 && unconditional(&d.insn[i]))
			return "unconditional jump before the end of the displaced bytes";
	}
	/* The code in memory must be the file's: someone else's patch (or ours) may be there. */
	if (memcmp(s->orig, f->file + (s->addr - f->start), d.len))
		return "the code in memory differs from the file";
	s->patch_len = (uint8_t)d.len;
	why = build(s, emit_trampoline_cb, &d, &s->trampoline, err);
	if (why)
		s->patch_len = 1;
	return why;
}

int probe_plan(uintptr_t addr, uint32_t flags, struct probe_site **out)
{
	int prot = proc_maps_prot(addr);
	if (prot < 0)
		return prot;
	if (!(prot & PROT_EXEC))
		return -EINVAL;
	if (!(prot & PROT_READ) || (prot & PROC_MAPS_SHARED))
		return -EACCES;

	struct probe_site *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->addr = addr;
	s->patch_len = 1;
	s->flags = (uint8_t)flags;
	/* Copy what is readable up to the end of the mapping. */
	size_t n = SITE_MAX_PATCH;
	for (size_t i = 1; i < SITE_MAX_PATCH; i++) {
		if (((addr + i) & 4095) == 0 && proc_maps_prot(addr + i) < 0) {
			n = i;
			break;
		}
	}
	memcpy(s->orig, (const void *)addr, n);
	if (x86_decode(s->orig, n, &s->first) < 0) {
		free(s);
		return -EOPNOTSUPP;
	}
	if (s->first.flow == X86_FLOW_TRAP && s->orig[0] == 0xcc) {
		free(s);
		return -EBUSY;
	}

	struct elf_file *elf = NULL;
	struct function f;
	int err = 0, bad_offset = 0;
	const char *why = "function bounds unknown (no ELF symbol)";
	if (find_function(addr, &elf, &f) == 0) {
		s->at_function_start = addr == f.start && f.abi_entry;
		/* A breakpoint inside an instruction would corrupt it: check the boundary first. */
		scan_function(&f, addr, 1, 1, &bad_offset);
		if (!bad_offset)
			why = (flags & BPFTIME_PROBE_F_INT3) ? "int3 requested" : plan_inline(s, &f, &err);
	}
	elf_close(elf);
	if (bad_offset) {
		free(s);
		return -EINVAL;
	}
	if (why)
		strncpy(s->why_int3, why, sizeof(s->why_int3) - 1);
	if (!s->trampoline) {
		if (x86_can_emulate(s->orig, &s->first)) {
			s->emulate = 1;
		} else if (x86_reloc_check(s->orig, &s->first, 1)) {
			free(s);
			return -EOPNOTSUPP;
		} else if (build(s, emit_xol, NULL, &s->xol, &err)) {
			free(s);
			return err ? err : -EOPNOTSUPP;
		}
	}
	*out = s;
	return 0;
}
