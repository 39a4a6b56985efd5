/* Loaded ELF objects from /proc/self/maps: see objects.h. */
#include <elf.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "internal.h"
#include "objects.h"
#include "proc_maps_line.h"

struct mapping {
	uint64_t lo, hi, offset, ident;
	char perms[4];
	int vdso;
};

/* The next line of /proc/self/maps into m (a malformed one as an empty mapping); returns where the
 * line after it starts. */
static const char *parse_line(const char *p, struct mapping *m)
{
	struct maps_line l;

	*m = (struct mapping){ 0 };
	if (maps_line_next(&p, &l) != 1)
		return p;
	m->lo = l.start;
	m->hi = l.end;
	m->offset = l.offset;
	for (int i = 0; i < 4; i++)
		m->perms[i] = l.perms[i];
	m->vdso = l.path_len == 6 && l.path[0] == '[' && l.path[1] == 'v' && l.path[2] == 'd' && l.path[3] == 's' &&
		  l.path[4] == 'o' && l.path[5] == ']';
	m->ident = l.inode ? ((uint64_t)l.dev_major << 52 | (uint64_t)l.dev_minor << 32) ^ l.inode : 0;
	return p;
}

/* Reads the ELF header mapped at hdr (a readable mapping [hdr, hdr_hi)) into obj. */
static int describe(uint64_t hdr, uint64_t hdr_hi, uint64_t ident, struct sh_object *obj)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)(uintptr_t)hdr;
	const Elf64_Phdr *ph;
	uint64_t first_load = ~0ull;

	if (hdr_hi - hdr < sizeof(*eh) || eh->e_ident[EI_MAG0] != ELFMAG0 ||
	    eh->e_ident[EI_MAG1] != ELFMAG1 || eh->e_ident[EI_MAG2] != ELFMAG2 ||
	    eh->e_ident[EI_MAG3] != ELFMAG3 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_machine != EM_X86_64 || eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > hdr_hi - hdr)
		return -1;
	ph = (const Elf64_Phdr *)(uintptr_t)(hdr + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
			first_load = ph[i].p_vaddr & ~0xfffull;
	if (first_load == ~0ull)
		return -1;
	*obj = (struct sh_object){ .l_addr = hdr - first_load, .ident = ident };
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_X) && obj->ntext < SH_OBJECT_MAX_TEXT) {
			obj->text_lo[obj->ntext] = obj->l_addr + ph[i].p_vaddr;
			obj->text_hi[obj->ntext] = obj->l_addr + ph[i].p_vaddr + ph[i].p_memsz;
			obj->ntext++;
		}
		if (ph[i].p_type == PT_GNU_EH_FRAME)
			obj->eh_hdr = obj->l_addr + ph[i].p_vaddr;
	}
	for (int i = 0; i < eh->e_phnum && obj->eh_hdr; i++) {
		uint64_t lo = obj->l_addr + ph[i].p_vaddr, hi = lo + ph[i].p_filesz;

		if (ph[i].p_type == PT_LOAD && obj->eh_hdr >= lo && obj->eh_hdr < hi) {
			obj->eh_lo = lo;
			obj->eh_hi = hi;
		}
	}
	if (obj->eh_hdr && !obj->eh_hi)
		obj->eh_hdr = 0;
	return obj->ntext ? 0 : -1;
}

/* /proc/self/maps, whole, into a growing buffer of our own (no malloc in a hook); the caller
 * unmaps *buf (*cap bytes). Returns 0 or -errno. */
static int read_maps(char **buf, unsigned long *cap)
{
	long n, r;

	for (*cap = 1 << 20;; *cap *= 4) {
		r = bpftime_syscall_hooks_raw(SYS_mmap, 0, (long)*cap, PROT_READ | PROT_WRITE,
					      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r < 0 && r > -4096)
			return (int)r;
		*buf = (char *)r;
		n = sh_proc_read("/proc/self/maps", *buf, *cap);
		if (n < 0 || (unsigned long)n + 1 < *cap)
			break;
		sh_raw2(SYS_munmap, (long)*buf, (long)*cap);
	}
	if (n < 0) {
		sh_raw2(SYS_munmap, (long)*buf, (long)*cap);
		return (int)n;
	}
	return 0;
}

/* Whether [lo, hi) is mapped whole with permission perm ('r' at 0, 'x' at 2) in maps (sorted). */
static int mapped(const char *buf, uint64_t lo, uint64_t hi, int at, char perm)
{
	uint64_t cursor = lo;

	for (const char *p = buf; *p && cursor < hi;) {
		struct mapping m;

		p = parse_line(p, &m);
		if (m.lo <= cursor && cursor < m.hi && m.perms[at] == perm)
			cursor = m.hi;
	}
	return cursor >= hi;
}

/* An object is looked at only once the loader has mapped all of it: while dlopen is under way
 * the parts after the first are PROT_NONE or not there yet (glibc's _dl_map_segments). */
static int complete(const char *buf, const struct sh_object *obj)
{
	for (int i = 0; i < obj->ntext; i++)
		if (!mapped(buf, obj->text_lo[i] & ~0xfffull, obj->text_hi[i], 2, 'x'))
			return 0;
	return !obj->eh_hdr || mapped(buf, obj->eh_lo & ~0xfffull, obj->eh_hi, 0, 'r');
}

int sh_exec_mappings_each(int (*fn)(void *ctx, uint64_t lo, uint64_t hi, const char perms[4], int vsyscall),
			  void *ctx)
{
	unsigned long cap;
	char *buf;
	int r = read_maps(&buf, &cap);

	if (r < 0)
		return r;
	for (const char *p = buf; *p && !r;) {
		const char *line = p;
		struct mapping m;

		p = parse_line(p, &m);
		if (m.perms[2] != 'x')
			continue;
		int vsyscall = 0;
		for (const char *c = line; c < p; c++)
			vsyscall |= c[0] == '[' && c[1] == 'v' && c[2] == 's' && c[3] == 'y';
		r = fn(ctx, m.lo, m.hi, m.perms, vsyscall);
	}
	sh_raw2(SYS_munmap, (long)buf, (long)cap);
	return r;
}

int sh_objects_each(int (*fn)(void *ctx, const struct sh_object *obj), void *ctx)
{
	unsigned long cap;
	char *buf;
	int r = read_maps(&buf, &cap);

	if (r < 0)
		return r;

	/* Each executable file mapping belongs to the object whose ELF header is the mapping of the
	 * same file at offset 0; an object is reported once, at its first executable mapping. */
	static uint64_t done[512]; /* callers hold the rewrite lock */
	int ndone = 0, stop = 0;
	for (const char *p = buf; *p && !stop;) {
		struct mapping m;
		const char *q;
		int seen = 0;

		p = parse_line(p, &m);
		if (m.perms[2] != 'x' || (!m.ident && !m.vdso))
			continue;
		uint64_t hdr = 0, hdr_hi = 0;
		if (m.vdso) {
			hdr = m.lo;
			hdr_hi = m.hi;
		} else {
			for (q = buf; *q;) {
				struct mapping h;

				q = parse_line(q, &h);
				/* the closest such mapping below: the same file may be mapped twice */
				if (h.ident == m.ident && h.offset == 0 && h.perms[0] == 'r' && h.lo <= m.lo &&
				    h.lo >= hdr) {
					hdr = h.lo;
					hdr_hi = h.hi;
				}
			}
		}
		for (int i = 0; i < ndone; i++)
			seen |= done[i] == hdr;
		if (!hdr || seen)
			continue;
		if (ndone < 512)
			done[ndone++] = hdr;
		struct sh_object obj;
		if (describe(hdr, hdr_hi, m.ident, &obj) == 0 && complete(buf, &obj))
			stop = fn(ctx, &obj);
	}
	sh_raw2(SYS_munmap, (long)buf, (long)cap);
	return 0;
}
