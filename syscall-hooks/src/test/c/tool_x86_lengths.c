/*
 * Maps an ELF file's segments as a loader would, lists its functions from .eh_frame_hdr with the
 * library's reader, and prints the library's decoding of each: a line "function START END", then
 * one line per instruction, "address length kind" (address as in the file, kind as in
 * sh_insn.h), or "address bad" where the decoder refuses (the rest of that function is then
 * skipped). A last line "functions N" counts them. The test compares the boundaries with objdump's.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eh_frame.h"
#include "sh_insn.h"

static uint64_t base;
static long functions;

static void decode_function(void *ctx, uint64_t start, uint64_t end)
{
	uint64_t at = start;
	struct sh_insn in;

	functions++;
	printf("function %lx %lx\n", (unsigned long)(start - base), (unsigned long)(end - base));
	for (; at < end; at += in.len) {
		if (sh_insn_decode((const uint8_t *)(uintptr_t)at, end - at, &in) < 0) {
			printf("%lx bad\n", (unsigned long)(at - base));
			return;
		}
		printf("%lx %u %u\n", (unsigned long)(at - base), in.len, in.kind);
	}
}

int main(int argc, char **argv)
{
	struct stat st;
	int fd;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "usage: tool_x86_lengths ELF-FILE\n");
		return 2;
	}
	const uint8_t *f = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f;
	if (f == MAP_FAILED || eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64) {
		fprintf(stderr, "%s: not an x86-64 ELF file\n", argv[1]);
		return 2;
	}
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(f + eh->e_phoff);
	uint64_t span = 0, hdr = 0, lo = 0, hi = 0;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr + ph[i].p_memsz > span)
			span = ph[i].p_vaddr + ph[i].p_memsz;
	uint8_t *m = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	base = (uint64_t)(uintptr_t)m;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		uint64_t off = ph[i].p_offset & ~0xfffull, va = ph[i].p_vaddr & ~0xfffull;
		if (mmap(m + va, ph[i].p_filesz + (ph[i].p_vaddr - va), PROT_READ, MAP_PRIVATE | MAP_FIXED,
			 fd, (off_t)off) == MAP_FAILED) {
			perror("mmap segment");
			return 2;
		}
	}
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_GNU_EH_FRAME)
			hdr = base + ph[i].p_vaddr;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && hdr >= base + ph[i].p_vaddr &&
		    hdr < base + ph[i].p_vaddr + ph[i].p_filesz) {
			lo = base + ph[i].p_vaddr;
			hi = lo + ph[i].p_filesz;
		}
	if (!hdr || sh_eh_frame_ranges(hdr, lo, hi, decode_function, NULL) < 0) {
		fprintf(stderr, "%s: no readable .eh_frame_hdr\n", argv[1]);
		return 3;
	}
	printf("functions %ld\n", functions);
	return 0;
}
