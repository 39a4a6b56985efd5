#include "jit_image.h"
#include "bench_files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_SIZE 48
#define RELOC_SIZE 24

static const char *const kind_names[] = { "HELPER_TABLE", "HELPER_COUNT", "MAP_FD", "MAP_IDX", "MAP_VALUE",
					  "MAP_IDX_VALUE" };

static uint32_t u32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t kind_width(uint32_t kind)
{
	return kind == BPFTIME_JIT_RELOC_HELPER_COUNT ? 4 : 8;
}

/* Whether width bytes at offset lie inside the code; says which field does not otherwise. */
static int in_code(const char *path, const char *what, uint32_t offset, uint32_t width, uint32_t size, char *why,
		   size_t why_len)
{
	if ((uint64_t)offset + width <= size)
		return 1;
	snprintf(why, why_len, "%s: %s: actual %u bytes at %u vs expected inside the %u bytes of code", path, what, width,
		 offset, size);
	return 0;
}

int jit_image_file_parse(const char *path, uint8_t *data, size_t len, struct jit_image_file *out, char *why,
			 size_t why_len)
{
	uint32_t version, header, nhelpers;
	uint64_t expected;
	const uint8_t *r;
	char what[64];

	memset(out, 0, sizeof(*out));
	if (len < HEADER_SIZE) {
		snprintf(why, why_len, "%s: header: actual %zu bytes vs expected at least %u", path, len, HEADER_SIZE);
		return -EINVAL;
	}
	if (memcmp(data, JIT_IMAGE_FILE_MAGIC, 8) != 0) {
		char magic[8 * 4 + 1], *m = magic;

		for (int i = 0; i < 8; i++)
			m += sprintf(m, data[i] >= 0x20 && data[i] < 0x7f && data[i] != '"' && data[i] != '\\' ? "%c" : "\\x%02x",
				     data[i]);
		snprintf(why, why_len, "%s: magic: actual \"%s\" vs expected \"%s\" (a JIT image file)", path, magic,
			 JIT_IMAGE_FILE_MAGIC);
		return -EINVAL;
	}
	version = u32_at(data + 8);
	header = u32_at(data + 12);
	if (version != JIT_IMAGE_FILE_VERSION) {
		snprintf(why, why_len, "%s: version: actual %u vs expected %u", path, version, JIT_IMAGE_FILE_VERSION);
		return -EINVAL;
	}
	if (header != HEADER_SIZE) {
		snprintf(why, why_len, "%s: header size: actual %u vs expected %u", path, header, HEADER_SIZE);
		return -EINVAL;
	}
	out->code_size = u32_at(data + 16);
	out->entry = u32_at(data + 20);
	out->tail_call_entry = u32_at(data + 24);
	out->frames = u32_at(data + 28);
	out->stack_bytes = u32_at(data + 32);
	out->nrelocs = u32_at(data + 36);
	nhelpers = u32_at(data + 40);
	expected = HEADER_SIZE + (uint64_t)RELOC_SIZE * out->nrelocs + 4ull * nhelpers + out->code_size;
	if (out->code_size == 0 || expected != len) {
		snprintf(why, why_len, "%s: size: actual %zu bytes vs expected %llu (%u + %u x %u relocations + 4 x %u "
			 "helper ids + %u bytes of code, at least 1)", path, len, (unsigned long long)expected, HEADER_SIZE,
			 RELOC_SIZE, out->nrelocs, nhelpers, out->code_size);
		return -EINVAL;
	}
	if (!in_code(path, "entry offset", out->entry, 1, out->code_size, why, why_len) ||
	    !in_code(path, "tail-call entry offset", out->tail_call_entry, 1, out->code_size, why, why_len))
		return -EINVAL;
	out->relocs = calloc(out->nrelocs + 1, sizeof(*out->relocs));
	if (!out->relocs) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	r = data + HEADER_SIZE;
	for (uint32_t i = 0; i < out->nrelocs; i++, r += RELOC_SIZE) {
		struct bpftime_jit_reloc *rel = &out->relocs[i];

		rel->offset = u32_at(r);
		rel->kind = u32_at(r + 4);
		rel->key = (int32_t)u32_at(r + 8);
		rel->addend = (int64_t)(u32_at(r + 16) | (uint64_t)u32_at(r + 20) << 32);
		if (rel->kind > BPFTIME_JIT_RELOC_MAP_IDX_VALUE) {
			snprintf(why, why_len, "%s: relocation %u: kind: actual %u vs expected 0 to %u (Relocation.Kind)", path,
				 i, rel->kind, BPFTIME_JIT_RELOC_MAP_IDX_VALUE);
			jit_image_file_free(out);
			return -EINVAL;
		}
		snprintf(what, sizeof(what), "relocation %u (%s)", i, kind_names[rel->kind]);
		if (!in_code(path, what, rel->offset, kind_width(rel->kind), out->code_size, why, why_len)) {
			jit_image_file_free(out);
			return -EINVAL;
		}
	}
	out->code = data + HEADER_SIZE + (size_t)RELOC_SIZE * out->nrelocs + 4 * (size_t)nhelpers;
	out->data = data;
	return 0;
}

int jit_image_file_read(const char *path, struct jit_image_file *out, char *why, size_t why_len)
{
	uint8_t *data;
	size_t len;
	int err = vm_read_file(path, &data, &len, why, why_len);

	if (err)
		return err;
	err = jit_image_file_parse(path, data, len, out, why, why_len);
	if (err)
		free(data);
	return err;
}

void jit_image_file_free(struct jit_image_file *f)
{
	free(f->relocs);
	free(f->data);
	memset(f, 0, sizeof(*f));
}

/* The caller's resolver, remembering the relocation it could not resolve for the message. */
struct resolving {
	bpftime_jit_map_resolver resolve;
	void *arg;
	uint32_t kind;
	int32_t key;
};

static int resolve_noting(void *arg, uint32_t kind, int32_t key, uint64_t *address)
{
	struct resolving *r = arg;

	r->kind = kind;
	r->key = key;
	return r->resolve ? r->resolve(r->arg, kind, key, address) : -ENOENT;
}

int jit_image_file_load(const char *path, const void *helpers, uint32_t helper_count, bpftime_jit_map_resolver resolve,
			void *arg, struct bpftime_jit_image **out, char *why, size_t why_len)
{
	struct jit_image_file f;
	struct resolving r = { .resolve = resolve, .arg = arg };
	int err = jit_image_file_read(path, &f, why, why_len);

	if (err)
		return err;
	for (uint32_t i = 0; i < f.nrelocs && !helpers; i++) {
		if (f.relocs[i].kind <= BPFTIME_JIT_RELOC_HELPER_COUNT) {
			snprintf(why, why_len, "%s: relocation %u: actual %s vs expected none of the helper table (this "
				 "figure's program calls no helper)", path, i, kind_names[f.relocs[i].kind]);
			jit_image_file_free(&f);
			return -EINVAL;
		}
	}
	err = bpftime_jit_image_load(f.code, f.code_size, f.entry, f.relocs, f.nrelocs, helpers, helper_count,
				     resolve_noting, &r, out);
	if (err == -ENOENT)
		snprintf(why, why_len, "%s: relocation %s %d: actual not resolved vs expected one this figure resolves",
			 path, r.kind <= BPFTIME_JIT_RELOC_MAP_IDX_VALUE ? kind_names[r.kind] : "?", r.key);
	else if (err)
		snprintf(why, why_len, "%s: bpftime_jit_image_load: %s", path, strerror(-err));
	jit_image_file_free(&f);
	return err;
}
