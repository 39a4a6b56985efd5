/*
 * A minimal, bounds-checked reader of ELF64 little-endian x86-64 files (<elf.h>, the System V gABI):
 * section headers to find the symbol tables, program headers for PT_LOAD.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_functions.h"

struct elf_file {
	ino_t inode;
	const uint8_t *base;
	size_t size;
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	const Elf64_Sym *syms;  /* .symtab if present, else .dynsym */
	size_t nsyms;
	const char *strs;
	size_t strs_size;
};

static int in_file(const struct elf_file *e, uint64_t off, uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

static void pick_symbols(struct elf_file *e)
{
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(e->base + e->eh->e_shoff);
	uint32_t want[2] = { SHT_SYMTAB, SHT_DYNSYM };

	for (int k = 0; k < 2; k++) {
		for (unsigned i = 0; i < e->eh->e_shnum; i++) {
			if (sh[i].sh_type != want[k] || sh[i].sh_entsize != sizeof(Elf64_Sym))
				continue;
			if (sh[i].sh_link >= e->eh->e_shnum)
				continue;
			const Elf64_Shdr *str = &sh[sh[i].sh_link];
			if (!in_file(e, sh[i].sh_offset, sh[i].sh_size) || !in_file(e, str->sh_offset, str->sh_size))
				continue;
			e->syms = (const Elf64_Sym *)(e->base + sh[i].sh_offset);
			e->nsyms = sh[i].sh_size / sizeof(Elf64_Sym);
			e->strs = (const char *)(e->base + str->sh_offset);
			e->strs_size = str->sh_size;
			return;
		}
	}
}

int elf_open(const char *path, struct elf_file **out)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	if ((size_t)st.st_size < sizeof(Elf64_Ehdr)) {
		close(fd);
		return -ENOEXEC;
	}
	void *map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	int err = map == MAP_FAILED ? -errno : 0;
	close(fd);
	if (err)
		return err;

	struct elf_file *e = calloc(1, sizeof(*e));
	if (!e) {
		munmap(map, st.st_size);
		return -ENOMEM;
	}
	e->base = map;
	e->size = st.st_size;
	e->inode = st.st_ino;
	e->eh = map;
	const Elf64_Ehdr *eh = e->eh;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || !in_file(e, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr)) ||
	    (eh->e_shnum && (eh->e_shentsize != sizeof(Elf64_Shdr) ||
			     !in_file(e, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr))))) {
		elf_close(e);
		return -ENOEXEC;
	}
	e->ph = (const Elf64_Phdr *)(e->base + eh->e_phoff);
	if (eh->e_shnum)
		pick_symbols(e);
	*out = e;
	return 0;
}

int elf_is_file(const struct elf_file *e, ino_t inode)
{
	return e->inode == inode;
}

void elf_close(struct elf_file *e)
{
	if (!e)
		return;
	munmap((void *)e->base, e->size);
	free(e);
}

int elf_offset_to_vaddr(const struct elf_file *e, uint64_t offset, uint64_t *vaddr)
{
	for (unsigned i = 0; i < e->eh->e_phnum; i++) {
		const Elf64_Phdr *p = &e->ph[i];
		if (p->p_type == PT_LOAD && offset >= p->p_offset && offset - p->p_offset < p->p_filesz) {
			*vaddr = p->p_vaddr + (offset - p->p_offset);
			return 0;
		}
	}
	return -ENOENT;
}

const uint8_t *elf_vaddr_bytes(const struct elf_file *e, uint64_t vaddr, size_t *avail)
{
	for (unsigned i = 0; i < e->eh->e_phnum; i++) {
		const Elf64_Phdr *p = &e->ph[i];
		if (p->p_type == PT_LOAD && vaddr >= p->p_vaddr && vaddr - p->p_vaddr < p->p_filesz) {
			uint64_t off = p->p_offset + (vaddr - p->p_vaddr);
			if (!in_file(e, off, 1))
				return NULL;
			uint64_t left = p->p_filesz - (vaddr - p->p_vaddr);
			*avail = left < e->size - off ? left : e->size - off;
			return e->base + off;
		}
	}
	return NULL;
}

static int is_function(const Elf64_Sym *s)
{
	unsigned type = ELF64_ST_TYPE(s->st_info);
	return (type == STT_FUNC || type == STT_GNU_IFUNC) && s->st_size && s->st_shndx != SHN_UNDEF;
}

int elf_find_function(const struct elf_file *e, uint64_t vaddr, uint64_t *start, uint64_t *size,
		      const char **name)
{
	for (size_t i = 0; i < e->nsyms; i++) {
		const Elf64_Sym *s = &e->syms[i];
		if (is_function(s) && vaddr >= s->st_value && vaddr - s->st_value < s->st_size) {
			*start = s->st_value;
			*size = s->st_size;
			*name = s->st_name < e->strs_size ? e->strs + s->st_name : "";
			return 0;
		}
	}
	return -ENOENT;
}

int elf_for_each_function(const struct elf_file *e,
			  int (*fn)(void *arg, const char *name, uint64_t vaddr, uint64_t size), void *arg)
{
	for (size_t i = 0; i < e->nsyms; i++) {
		const Elf64_Sym *s = &e->syms[i];
		if (!is_function(s))
			continue;
		const char *name = s->st_name < e->strs_size ? e->strs + s->st_name : "?";
		int r = fn(arg, name, s->st_value, s->st_size);
		if (r)
			return r;
	}
	return 0;
}
