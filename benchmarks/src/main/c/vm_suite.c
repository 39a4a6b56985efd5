#include "vm_suite.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The gcc builds of benchmarks/src/bpf/NAME.bpf.c (the Makefile renames each bpf_main). */
uint64_t vm_native_sieve(uint8_t *mem, uint64_t len);
uint64_t vm_native_memcpy(uint8_t *mem, uint64_t len);
uint64_t vm_native_strcmp(uint8_t *mem, uint64_t len);
uint64_t vm_native_switch(uint8_t *mem, uint64_t len);
uint64_t vm_native_log2(uint8_t *mem, uint64_t len);
uint64_t vm_native_hash(uint8_t *mem, uint64_t len);
uint64_t vm_native_arith(uint8_t *mem, uint64_t len);

/* splitmix64: a fixed input for every run and machine. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void fill_zero(uint8_t *mem, size_t len)
{
	memset(mem, 0, len);
}

static void fill_random(uint8_t *mem, size_t len)
{
	uint64_t state = 1;

	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t r = next_random(&state);

		memcpy(mem + i, &r, 8);
	}
}

/* Values of every magnitude, so that each of log2's halving branches goes both ways. */
static void fill_log2(uint8_t *mem, size_t len)
{
	uint64_t state = 2;

	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t r = next_random(&state);
		uint64_t v = (r | 1) >> (r & 63);

		memcpy(mem + i, &v, 8);
	}
}

/* Two NUL-terminated strings filling each half, equal up to their last character. */
static void fill_strcmp(uint8_t *mem, size_t len)
{
	size_t half = len / 2;

	for (size_t i = 0; i < half; i++)
		mem[i] = mem[half + i] = (uint8_t)('a' + i % 26);
	mem[half - 2] = 'x';
	mem[len - 2] = 'y';
	mem[half - 1] = mem[len - 1] = 0;
}

static const struct vm_program programs[] = {
	{ "sieve", vm_native_sieve, fill_zero },
	{ "memcpy", vm_native_memcpy, fill_random },
	{ "strcmp", vm_native_strcmp, fill_strcmp },
	{ "switch", vm_native_switch, fill_random },
	{ "log2", vm_native_log2, fill_log2 },
	{ "hash", vm_native_hash, fill_random },
	{ "arith", vm_native_arith, fill_random },
};

const struct vm_program *vm_program_find(const char *name)
{
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		if (strcmp(programs[i].name, name) == 0)
			return &programs[i];
	return NULL;
}
