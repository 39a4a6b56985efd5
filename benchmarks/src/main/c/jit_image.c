#include "jit_image.h"
#include "vm_suite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HEADER_SIZE 16
#define LINKED_HEADER_SIZE 24
#define RELOC_SIZE 24

static uint32_t read_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int map_code(const char *path, const uint8_t *code, uint32_t size, uint32_t entry, const uint8_t *relocs,
		    uint32_t nrelocs, jit_resolve_fn resolve, void *arg, struct jit_code *out, char *why, size_t why_len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *base;
	int err;

	out->mapped = (size + page - 1) / page * page;
	base = mmap(NULL, out->mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		err = -errno;
		snprintf(why, why_len, "mmap of %u bytes of JIT code: %s", size, strerror(errno));
		return err;
	}
	memcpy(base, code, size);
	for (uint32_t i = 0; i < nrelocs; i++) {
		const uint8_t *r = relocs + (size_t)i * RELOC_SIZE;
		uint32_t offset = read_u32(r), kind = read_u32(r + 4), width = read_u32(r + 12);
		int32_t key = (int32_t)read_u32(r + 8);
		uint64_t addend = read_u32(r + 16) | (uint64_t)read_u32(r + 20) << 32, value;

		if ((width != 4 && width != 8) || offset > size || width > size - offset) {
			snprintf(why, why_len, "%s: relocation %u: actual %u bytes at %u vs expected 4 or 8 inside the %u "
				 "bytes of code", path, i, width, offset, size);
			munmap(base, out->mapped);
			return -EINVAL;
		}
		if (resolve(arg, kind, key, &value)) {
			snprintf(why, why_len, "%s: relocation %u: actual kind %u key %d vs expected one this figure "
				 "resolves", path, i, kind, key);
			munmap(base, out->mapped);
			return -ENOENT;
		}
		value += addend;
		memcpy(base + offset, &value, width);
	}
	if (mprotect(base, out->mapped, PROT_READ | PROT_EXEC) != 0) {
		err = -errno;
		snprintf(why, why_len, "mprotect(PROT_READ | PROT_EXEC) of the JIT code: %s", strerror(errno));
		munmap(base, out->mapped);
		return err;
	}
	out->base = base;
	out->entry = (jit_entry_fn)(base + entry);
	return 0;
}

int jit_code_load(const char *path, struct jit_code *out, char *why, size_t why_len)
{
	uint8_t *file;
	size_t len;
	uint32_t entry, size;
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
	err = map_code(path, file + HEADER_SIZE, size, entry, NULL, 0, NULL, NULL, out, why, why_len);
	free(file);
	return err;
}

int jit_code_load_linked(const char *path, jit_resolve_fn resolve, void *arg, struct jit_code *out, char *why,
			 size_t why_len)
{
	uint8_t *file;
	size_t len;
	uint32_t entry, size, nrelocs;
	int err = vm_read_file(path, &file, &len, why, why_len);

	if (err)
		return err;
	if (len < LINKED_HEADER_SIZE || memcmp(file, JIT_IMAGE_LINKED_MAGIC, 8) != 0) {
		snprintf(why, why_len, "%s: header: actual %zu bytes%s vs expected a JIT image starting with %s", path, len,
			 len < LINKED_HEADER_SIZE ? "" : " with another magic", JIT_IMAGE_LINKED_MAGIC);
		free(file);
		return -EINVAL;
	}
	entry = read_u32(file + 8);
	size = read_u32(file + 12);
	nrelocs = read_u32(file + 16);
	if (size == 0 || entry >= size || len != LINKED_HEADER_SIZE + (size_t)size + (size_t)nrelocs * RELOC_SIZE) {
		snprintf(why, why_len, "%s: actual %zu bytes with code size %u, entry %u and %u relocations vs expected "
			 "%u + code size + %u per relocation bytes, the entry inside the code", path, len, size, entry,
			 nrelocs, LINKED_HEADER_SIZE, RELOC_SIZE);
		free(file);
		return -EINVAL;
	}
	err = map_code(path, file + LINKED_HEADER_SIZE, size, entry, file + LINKED_HEADER_SIZE + size, nrelocs, resolve,
		       arg, out, why, why_len);
	free(file);
	return err;
}

void jit_code_unload(struct jit_code *code)
{
	if (code->base)
		munmap(code->base, code->mapped);
	code->base = NULL;
}
