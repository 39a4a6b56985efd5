/*
 * JIT images as files: the one reader of the format dev.bpftime.jit.JitImageFile writes ("BPFTJIMG",
 * version 1; jit/README.md "The image file" draws the layout). benchmarks' JitImages step writes one
 * <name>.jit per program at build time: the VM suite's, the kernel figures' programs the JIT figures
 * run, the probe figures'. Every figure links its image with the agent's linker
 * (bpftime_jit_image_load, agent/src/main/c/jit_image.c), so what they time is the code the agent runs.
 */
#ifndef JIT_IMAGE_H
#define JIT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "bpftime_jit_image.h"

#define JIT_IMAGE_FILE_MAGIC "BPFTJIMG"
#define JIT_IMAGE_FILE_VERSION 1

struct jit_image_file {
	uint8_t *data; /* the whole file; code points into it */
	const uint8_t *code;
	uint32_t code_size;
	uint32_t entry;
	uint32_t tail_call_entry;
	uint32_t frames;
	uint32_t stack_bytes;
	uint32_t nrelocs;
	struct bpftime_jit_reloc *relocs;
};

/* Parses len bytes of a file (named path in messages); out->data stays the caller's. 0 or -EINVAL with
 * "actual X vs expected Y" of the first wrong field in why. */
int jit_image_file_parse(const char *path, uint8_t *data, size_t len, struct jit_image_file *out, char *why,
			 size_t why_len);
/* Reads and parses a file; 0 or -errno with the reason in why. */
int jit_image_file_read(const char *path, struct jit_image_file *out, char *why, size_t why_len);
void jit_image_file_free(struct jit_image_file *f);

/*
 * Reads, links and maps the image of a file. An image that calls helpers needs a helper table
 * (helpers NULL refuses one); map relocations go to resolve (NULL refuses any).
 */
int jit_image_file_load(const char *path, const void *helpers, uint32_t helper_count, bpftime_jit_map_resolver resolve,
			void *arg, struct bpftime_jit_image **out, char *why, size_t why_len);

#endif
