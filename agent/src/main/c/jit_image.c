#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bpftime_jit_image.h"

struct bpftime_jit_image {
	void *base;
	size_t mapped;
	bpftime_jit_fn entry;
};

static unsigned width(uint32_t kind)
{
	return kind == BPFTIME_JIT_RELOC_HELPER_COUNT ? 4 : 8;
}

int bpftime_jit_image_load(const void *code, size_t len, size_t entry_offset, const struct bpftime_jit_reloc *relocs,
			   size_t nrelocs, const void *helper_table, uint32_t helper_count,
			   bpftime_jit_map_resolver resolve, void *arg, struct bpftime_jit_image **out)
{
	if (!code || !len || entry_offset >= len)
		return -EINVAL;
	size_t page = (size_t)getpagesize(), mapped = (len + page - 1) & ~(page - 1);
	uint8_t *p = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	memcpy(p, code, len);
	int err = 0;
	for (size_t i = 0; i < nrelocs && !err; i++) {
		const struct bpftime_jit_reloc *r = &relocs[i];
		uint64_t value;
		if (r->kind > BPFTIME_JIT_RELOC_MAP_IDX_VALUE || r->offset > len || width(r->kind) > len - r->offset) {
			err = -EINVAL;
			break;
		}
		if (r->kind == BPFTIME_JIT_RELOC_HELPER_TABLE)
			value = (uintptr_t)helper_table;
		else if (r->kind == BPFTIME_JIT_RELOC_HELPER_COUNT)
			value = helper_count;
		else if (!resolve || resolve(arg, r->kind, r->key, &value))
			err = -ENOENT;
		else
			value += (uint64_t)r->addend;
		if (!err)
			memcpy(p + r->offset, &value, width(r->kind));
	}
	struct bpftime_jit_image *img = err ? NULL : malloc(sizeof(*img));
	if (!err && !img)
		err = -ENOMEM;
	if (!err && mprotect(p, mapped, PROT_READ | PROT_EXEC))
		err = -errno;
	if (err) {
		free(img);
		munmap(p, mapped);
		return err;
	}
	img->base = p;
	img->mapped = mapped;
	img->entry = (bpftime_jit_fn)(void *)(p + entry_offset);
	*out = img;
	return 0;
}

bpftime_jit_fn bpftime_jit_image_entry(const struct bpftime_jit_image *image)
{
	return image->entry;
}

void bpftime_jit_image_free(struct bpftime_jit_image *image)
{
	if (!image)
		return;
	munmap(image->base, image->mapped);
	free(image);
}
