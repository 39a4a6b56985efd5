/*
 * Prints the instruction boundaries the probe engine's decoder finds in every function of an ELF
 * file, one line per instruction: "<hex address> <length>", or "<hex address> error <errno>" after
 * which the rest of that function is skipped. DecoderTest compares them with objdump's.
 *
 *   decode_dump FILE
 */
#include <stdio.h>
#include <stdlib.h>

#include "elf_functions.h"
#include "x86_insn.h"

static struct elf_file *elf;

static int dump(void *arg, const char *name, uint64_t vaddr, uint64_t size)
{
	size_t avail;
	const uint8_t *code = elf_vaddr_bytes(elf, vaddr, &avail);
	(void)arg;
	(void)name;
	if (!code || avail < size)
		return 0;
	for (uint64_t off = 0; off < size;) {
		struct x86_insn in;
		int n = x86_decode(code + off, size - off, &in);
		if (n < 0) {
			printf("%lx error %d\n", (unsigned long)(vaddr + off), -n);
			break;
		}
		printf("%lx %d\n", (unsigned long)(vaddr + off), n);
		off += n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: decode_dump FILE\n");
		return 2;
	}
	int err = elf_open(argv[1], &elf);
	if (err) {
		fprintf(stderr, "decode_dump: %s: error %d\n", argv[1], -err);
		return 1;
	}
	elf_for_each_function(elf, dump, NULL);
	elf_close(elf);
	return 0;
}
