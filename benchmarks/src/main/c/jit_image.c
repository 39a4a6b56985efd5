#include "jit_image.h"
#include "vm_suite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HEADER_SIZE 16

static uint32_t read_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int jit_code_load(const char *path, struct jit_code *out, char *why, size_t why_len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *file;
	size_t len;
	uint32_t entry, size;
	void *base;
	int err = vm_read_file(path, &file, &len, why, why_len);

	if (err)
		return err;
	if (len < HEADER_SIZE || memcmp(file, JIT_IMAGE_MAGIC, 8) != 0) {
		snprintf(why, why_len, "%s: header: actual %zu bytes%s vs expected a JIT image starting with %s", path, len,
			 len < HEADER_SIZE ? "" : " with another magic", JIT_IMAGE_MAGIC);
		free(file);
		return -EINVAL;
	}
	entry = read_u32(file + 8);
	size = read_u32(file + 12);
	if (size == 0 || len != HEADER_SIZE + (size_t)size || entry >= size) {
		snprintf(why, why_len, "%s: actual %zu bytes with code size %u and entry %u vs expected %u + code size "
			 "bytes, the entry inside the code", path, len, size, entry, HEADER_SIZE);
		free(file);
		return -EINVAL;
	}
	out->mapped = (size + page - 1) / page * page;
	base = mmap(NULL, out->mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		err = -errno;
		snprintf(why, why_len, "mmap of %u bytes of JIT code: %s", size, strerror(errno));
		free(file);
		return err;
	}
	memcpy(base, file + HEADER_SIZE, size);
	free(file);
	if (mprotect(base, out->mapped, PROT_READ | PROT_EXEC) != 0) {
		err = -errno;
		snprintf(why, why_len, "mprotect(PROT_READ | PROT_EXEC) of the JIT code: %s", strerror(errno));
		munmap(base, out->mapped);
		return err;
	}
	out->base = base;
	out->entry = (jit_entry_fn)((uint8_t *)base + entry);
	return 0;
}

void jit_code_unload(struct jit_code *code)
{
	if (code->base)
		munmap(code->base, code->mapped);
	code->base = NULL;
}
