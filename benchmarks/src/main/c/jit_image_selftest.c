/* Checks of the JIT image file reader (jit_image.c), run by `make check`: a file made here is read,
 * linked and run; each wrong field is refused naming it, as dev.bpftime.jit.JitImageFileTest checks
 * the Java side of the same format. */
#include "jit_image.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int passed, failed;

static void expect(int ok, const char *what, const char *why)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		fprintf(stderr, "FAILED: %s%s%s\n", what, why ? ": " : "", why ? why : "");
	}
}

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* movabs rax, <MAP_FD 7 + 5>; ret: the 8 bytes at code offset 2 are the relocation's field. */
static const uint8_t code[] = { 0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xc3 };
#define FILE_SIZE (48 + 24 + sizeof(code))

static void sample(uint8_t *f)
{
	memset(f, 0, FILE_SIZE);
	memcpy(f, "BPFTJIMG", 8);
	put_u32(f + 8, 1);
	put_u32(f + 12, 48);
	put_u32(f + 16, sizeof(code));
	put_u32(f + 28, 1); /* frames */
	put_u32(f + 36, 1); /* one relocation, no helper id */
	put_u32(f + 48, 2);
	put_u32(f + 52, BPFTIME_JIT_RELOC_MAP_FD);
	put_u32(f + 56, 7);
	put_u32(f + 64, 5); /* addend */
	memcpy(f + 72, code, sizeof(code));
}

static int resolve(void *arg, uint32_t kind, int32_t key, uint64_t *address)
{
	(void)arg;
	if (kind != BPFTIME_JIT_RELOC_MAP_FD || key != 7)
		return -ENOENT;
	*address = 0x1234;
	return 0;
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(data, 1, len, f) == len;

	if (f)
		fclose(f);
	return ok ? 0 : -EIO;
}

/* The sample with one u32 changed at offset at is refused with exactly message (after the path). */
static void refused(size_t at, uint32_t value, size_t len, const char *message)
{
	uint8_t f[FILE_SIZE];
	struct jit_image_file parsed;
	char why[256] = "", expected[256];

	sample(f);
	if (at < FILE_SIZE)
		put_u32(f + at, value);
	snprintf(expected, sizeof(expected), "x.jit: %s", message);
	expect(jit_image_file_parse("x.jit", f, len, &parsed, why, sizeof(why)) == -EINVAL && !strcmp(why, expected),
	       expected, why);
}

int main(void)
{
	char dir[] = "/tmp/jit-image-selftest-XXXXXX", path[64], why[256] = "";
	uint8_t f[FILE_SIZE];
	struct bpftime_jit_image *img = NULL;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/p.jit", dir);
	sample(f);
	expect(write_file(path, f, sizeof(f)) == 0, "writing the sample", NULL);
	expect(jit_image_file_load(path, NULL, 0, resolve, NULL, &img, why, sizeof(why)) == 0 &&
		       bpftime_jit_image_entry(img)(NULL, 0) == 0x1234 + 5,
	       "a file's image is linked (map address + addend) and runs", why);
	bpftime_jit_image_free(img);

	put_u32(f + 56, 8);
	expect(write_file(path, f, sizeof(f)) == 0, "writing the sample", NULL);
	expect(jit_image_file_load(path, NULL, 0, resolve, NULL, &img, why, sizeof(why)) == -ENOENT &&
		       strstr(why, "relocation MAP_FD 8: actual not resolved vs expected one this figure resolves"),
	       "an unresolved map is named", why);
	put_u32(f + 52, BPFTIME_JIT_RELOC_HELPER_TABLE);
	expect(write_file(path, f, sizeof(f)) == 0, "writing the sample", NULL);
	expect(jit_image_file_load(path, NULL, 0, resolve, NULL, &img, why, sizeof(why)) == -EINVAL &&
		       strstr(why, "relocation 0: actual HELPER_TABLE vs expected none of the helper table"),
	       "a helper call is refused where the figure has no helper table", why);
	unlink(path);
	rmdir(dir);

	refused(FILE_SIZE, 0, 20, "header: actual 20 bytes vs expected at least 48");
	refused(4, 0x32544a49, FILE_SIZE, "magic: actual \"BPFTIJT2\" vs expected \"BPFTJIMG\" (a JIT image file)");
	refused(0, 0x7f, FILE_SIZE, "magic: actual \"\\x7f\\x00\\x00\\x00JIMG\" vs expected \"BPFTJIMG\" (a JIT image file)");
	refused(8, 2, FILE_SIZE, "version: actual 2 vs expected 1");
	refused(12, 56, FILE_SIZE, "header size: actual 56 vs expected 48");
	refused(36, 2, FILE_SIZE, "size: actual 83 bytes vs expected 107 (48 + 24 x 2 relocations + 4 x 0 helper ids + 11 "
				  "bytes of code, at least 1)");
	refused(20, 11, FILE_SIZE, "entry offset: actual 1 bytes at 11 vs expected inside the 11 bytes of code");
	refused(24, 0xffffffff, FILE_SIZE,
		"tail-call entry offset: actual 1 bytes at 4294967295 vs expected inside the 11 bytes of code");
	refused(52, 6, FILE_SIZE, "relocation 0: kind: actual 6 vs expected 0 to 5 (Relocation.Kind)");
	refused(48, 4, FILE_SIZE, "relocation 0 (MAP_FD): actual 8 bytes at 4 vs expected inside the 11 bytes of code");

	printf("jit_image_selftest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
