/*
 * BPF_BTF_LOAD's verifier log (kernel/bpf/btf.c): a blob with a type of every kind loaded with log
 * levels 1 and 2 (the header's fields, a line per type, member, enumerator and DATASEC variable), the
 * same blob refused at its last type (the lines before the refusal stay), and short buffers: the
 * default rotating mode keeps the log's end, BPF_LOG_FIXED its start, both fail with ENOSPC and report
 * the whole log's size in btf_log_true_size (Linux 6.4). Each log prints line by line, for the harness
 * to compare with the kernel's.
 */
#include "bpf_case.h"

#include <linux/btf.h>

#define BTF_LOG_TRUE_SIZE_OFFSET 28
#define LOG_FIXED 8

struct builder {
	unsigned char types[2048];
	size_t types_len;
	char strs[512];
	size_t strs_len;
};

static unsigned str(struct builder *b, const char *s)
{
	unsigned off;

	if (!*s)
		return 0;
	off = (unsigned)b->strs_len;
	memcpy(b->strs + off, s, strlen(s) + 1);
	b->strs_len += strlen(s) + 1;
	return off;
}

static void u32(struct builder *b, uint32_t v)
{
	memcpy(b->types + b->types_len, &v, 4);
	b->types_len += 4;
}

static void type(struct builder *b, const char *name, unsigned kind, unsigned vlen, int kflag, uint32_t size_or_type)
{
	u32(b, str(b, name));
	u32(b, (uint32_t)kflag << 31 | kind << 24 | vlen);
	u32(b, size_or_type);
}

static void member(struct builder *b, const char *name, uint32_t type_id, uint32_t offset)
{
	u32(b, str(b, name));
	u32(b, type_id);
	u32(b, offset);
}

/* One type of each of the 19 kinds (and both enum signednesses); returns the blob's size. */
static size_t every_kind(unsigned char *out, int break_last)
{
	static struct builder b;
	struct btf_header hdr;

	memset(&b, 0, sizeof(b));
	b.strs_len = 1;
	type(&b, "int", BTF_KIND_INT, 0, 0, 4);                 /* [1] */
	u32(&b, BTF_INT_SIGNED << 24 | 32);
	type(&b, "", BTF_KIND_PTR, 0, 0, 1);                    /* [2] */
	type(&b, "", BTF_KIND_ARRAY, 0, 0, 0);                  /* [3] int[4] */
	u32(&b, 1);
	u32(&b, 1);
	u32(&b, 4);
	type(&b, "s", BTF_KIND_STRUCT, 3, 1, 16);               /* [4] bit fields */
	member(&b, "a", 1, 3u << 24 | 0);
	member(&b, "b", 1, 5u << 24 | 3);
	member(&b, "c", 2, 64);
	type(&b, "u", BTF_KIND_UNION, 2, 0, 4);                 /* [5] */
	member(&b, "x", 1, 0);
	member(&b, "", 17, 0);
	type(&b, "e", BTF_KIND_ENUM, 2, 1, 4);                  /* [6] signed */
	u32(&b, str(&b, "A"));
	u32(&b, (uint32_t)-1);
	u32(&b, str(&b, "B"));
	u32(&b, 7);
	type(&b, "ue", BTF_KIND_ENUM, 1, 0, 4);                 /* [7] unsigned */
	u32(&b, str(&b, "C"));
	u32(&b, 0xffffffffu);
	type(&b, "f", BTF_KIND_FWD, 0, 1, 0);                   /* [8] union f */
	type(&b, "t", BTF_KIND_TYPEDEF, 0, 0, 1);               /* [9] */
	type(&b, "", BTF_KIND_VOLATILE, 0, 0, 1);               /* [10] */
	type(&b, "", BTF_KIND_CONST, 0, 0, 10);                 /* [11] */
	type(&b, "", BTF_KIND_RESTRICT, 0, 0, 2);               /* [12] */
	type(&b, "", BTF_KIND_FUNC_PROTO, 2, 0, 1);             /* [13] int (int n, ...) */
	u32(&b, str(&b, "n"));
	u32(&b, 1);
	u32(&b, 0);
	u32(&b, 0);
	type(&b, "fn", BTF_KIND_FUNC, 1, 0, 13);                /* [14] global */
	type(&b, "v", BTF_KIND_VAR, 0, 0, 1);                   /* [15] */
	u32(&b, 1);
	type(&b, ".data", BTF_KIND_DATASEC, 1, 0, 4);           /* [16] */
	u32(&b, 15);
	u32(&b, 0);
	u32(&b, 4);
	type(&b, "float", BTF_KIND_FLOAT, 0, 0, 4);             /* [17] */
	type(&b, "tag", BTF_KIND_DECL_TAG, 0, 0, 4);            /* [18] on member 1 of s */
	u32(&b, 1);
	type(&b, "user", BTF_KIND_TYPE_TAG, 0, 0, 1);           /* [19] */
	type(&b, "", BTF_KIND_PTR, 0, 0, 19);                   /* [20] */
	type(&b, "e64", BTF_KIND_ENUM64, 2, 0, 8);              /* [21] unsigned */
	u32(&b, str(&b, "D"));
	u32(&b, 0);
	u32(&b, 1);
	u32(&b, str(&b, "E"));
	u32(&b, 0xffffffffu);
	u32(&b, 0xffffffffu);
	type(&b, "se64", BTF_KIND_ENUM64, 1, 1, 8);             /* [22] signed */
	u32(&b, str(&b, "F"));
	u32(&b, (uint32_t)-5);
	u32(&b, 0xffffffffu);
	/* [23] a struct whose second member overlaps the first: refused with the lines before kept */
	type(&b, "bad", BTF_KIND_STRUCT, 2, 0, 8);
	member(&b, "p", 1, 32);
	member(&b, "q", 1, break_last ? 0 : 32);

	memset(&hdr, 0, sizeof(hdr));
	hdr.magic = BTF_MAGIC;
	hdr.version = BTF_VERSION;
	hdr.hdr_len = sizeof(hdr);
	hdr.type_len = (uint32_t)b.types_len;
	hdr.str_off = (uint32_t)b.types_len;
	hdr.str_len = (uint32_t)b.strs_len;
	memcpy(out, &hdr, sizeof(hdr));
	memcpy(out + sizeof(hdr), b.types, b.types_len);
	memcpy(out + sizeof(hdr) + b.types_len, b.strs, b.strs_len);
	return sizeof(hdr) + b.types_len + b.strs_len;
}

static long load(const void *blob, size_t len, char *log, unsigned log_size, unsigned level, unsigned *true_size)
{
	union bpf_attr attr;
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.btf = (uintptr_t)blob;
	attr.btf_size = (uint32_t)len;
	attr.btf_log_buf = (uintptr_t)log;
	attr.btf_log_size = log_size;
	attr.btf_log_level = level;
	r = sys_bpf(BPF_BTF_LOAD, &attr, sizeof(attr));
	memcpy(true_size, (char *)&attr + BTF_LOG_TRUE_SIZE_OFFSET, 4);
	return r;
}

/* The log line by line; a last line without a newline is marked, since the kernel writes some so. */
static void print_log(const char *name, const char *log)
{
	char key[96];
	int n = 0;
	const char *p = log;

	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		snprintf(key, sizeof(key), "%s.%02d", name, n++);
		observe(key, "%.*s%s", len, p, nl ? "" : "<no newline>");
		p += len + (nl ? 1 : 0);
	}
}

static void outcome_of(const char *name, long r)
{
	char buf[64];
	int e = errno;

	if (r >= 0)
		close((int)r);
	observe(name, "%s", r >= 0 ? "ok" : outcome(r, e, buf, sizeof(buf)));
}

int cases_btf_log(void)
{
	static unsigned char blob[4096], bad[4096];
	static char log[8192];
	size_t len = every_kind(blob, 0), bad_len = every_kind(bad, 1);
	unsigned true_size, full;
	long r;
	char name[64];

	for (unsigned level = 1; level <= 2; level++) {
		memset(log, 0, sizeof(log));
		r = load(blob, len, log, sizeof(log), level, &true_size);
		snprintf(name, sizeof(name), "btflog.every_kind.level%u", level);
		outcome_of(name, r);
		snprintf(name, sizeof(name), "btflog.every_kind.level%u.true_size", level);
		expect_long(name, (long)strlen(log) + 1, true_size);
		snprintf(name, sizeof(name), "btflog.every_kind.level%u.log", level);
		print_log(name, log);
	}
	memset(log, 0, sizeof(log));
	r = load(bad, bad_len, log, sizeof(log), 1, &true_size);
	outcome_of("btflog.refused_last", r);
	expect_long("btflog.refused_last.true_size", (long)strlen(log) + 1, true_size);
	print_log("btflog.refused_last.log", log);

	/* Short buffers: the call fails with ENOSPC, whatever the verdict, and says how much was needed. */
	r = load(blob, len, log, sizeof(log), 1, &full);
	if (r >= 0)
		close((int)r);
	memset(log, 0x55, sizeof(log));
	r = load(blob, len, log, 100, 1, &true_size);
	outcome_of("btflog.short_rotating", r);
	expect_long("btflog.short_rotating.true_size", full, true_size);
	expect_long("btflog.short_rotating.kept", 99, (long)strlen(log));
	print_log("btflog.short_rotating.log", log);
	memset(log, 0x55, sizeof(log));
	r = load(blob, len, log, 100, 1 | LOG_FIXED, &true_size);
	outcome_of("btflog.short_fixed", r);
	expect_long("btflog.short_fixed.true_size", full, true_size);
	print_log("btflog.short_fixed.log", log);
	memset(log, 0x55, sizeof(log));
	r = load(blob, len, log, full, 1, &true_size);
	outcome_of("btflog.exact_size", r);
	r = load(blob, len, log, full - 1, 1, &true_size);
	outcome_of("btflog.one_byte_short", r);
	r = load(bad, bad_len, log, 60, 2, &true_size);
	outcome_of("btflog.short_refused", r);
	observe("btflog.short_refused.true_size", "%u", true_size);
	print_log("btflog.short_refused.log", log);
	/* A level without a buffer is valid: nothing is written, the size is still counted. */
	r = load(blob, len, NULL, 0, 1, &true_size);
	outcome_of("btflog.level_without_buffer", r);
	expect_long("btflog.level_without_buffer.true_size", full, true_size);
	return 0;
}
