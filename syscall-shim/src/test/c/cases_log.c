/*
 * The verifier log's contract (kernel/bpf/log.c): buffer and size together, a level for a buffer,
 * known level bits, a size below 2^30; log_true_size written when the attr is big enough for it;
 * a short buffer gets the tail (rotating) or the head (BPF_LOG_FIXED) and ENOSPC, even for a good
 * program; an unwritable buffer gets EFAULT.
 */
#include "bpf_case.h"

#include <sys/mman.h>

#define LOG_TRUE_SIZE_OFFSET 140 /* offsetof(union bpf_attr, log_true_size), Linux 6.4 */
#define BPF_LOG_FIXED_BIT 8

struct load_result {
	long ret;
	int err;
	unsigned true_size;
};

static struct load_result load(const struct bpf_insn *insns, unsigned cnt, unsigned level, char *buf,
			       unsigned size, unsigned long attr_size)
{
	unsigned char raw[sizeof(union bpf_attr) + 16];
	union bpf_attr *attr = (union bpf_attr *)raw;
	struct load_result r;
	unsigned sentinel = 0xdeadbeef;

	memset(raw, 0, sizeof(raw));
	attr->prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr->insns = (uintptr_t)insns;
	attr->insn_cnt = cnt;
	attr->license = (uintptr_t)"GPL";
	attr->log_level = level;
	attr->log_buf = (uintptr_t)buf;
	attr->log_size = size;
	if (attr_size <= LOG_TRUE_SIZE_OFFSET)
		memcpy(raw + LOG_TRUE_SIZE_OFFSET, &sentinel, 4); /* must stay: beyond the caller's size */
	r.ret = sys_bpf(BPF_PROG_LOAD, attr, attr_size);
	r.err = errno;
	memcpy(&r.true_size, raw + LOG_TRUE_SIZE_OFFSET, 4);
	if (r.ret >= 0)
		close((int)r.ret);
	return r;
}

static void show_buffer(const char *name, const char *buf, unsigned size)
{
	char shown[512];
	unsigned n = 0;

	for (unsigned i = 0; i < size && n + 4 < sizeof(shown); i++) {
		if (buf[i] == '\n') {
			shown[n++] = '\\';
			shown[n++] = 'n';
		} else if (buf[i] == '\0') {
			shown[n++] = '\\';
			shown[n++] = '0';
		} else {
			shown[n++] = buf[i];
		}
	}
	shown[n] = '\0';
	observe(name, "%s", shown);
}

int cases_log(void)
{
	struct bpf_insn jump_out[] = { { .code = BPF_JMP | BPF_JA, .off = 5 }, { .code = BPF_JMP | BPF_EXIT } };
	long page = page_size();
	char *hole = page_before_hole();
	char buf[4096];
	struct load_result r;

	r = load(prog_ret0, 2, 1, NULL, 0, sizeof(union bpf_attr));
	expect_ret("log.level_without_buffer", 0, 0, r.ret >= 0 ? 0 : r.ret, r.err);
	observe("log.level_without_buffer.true_size", "%u", r.true_size);
	r = load(prog_ret0, 2, 0, NULL, 0, sizeof(union bpf_attr));
	expect_long("log.no_log.true_size", 0, r.true_size);
	r = load(prog_ret0, 2, 0, buf, sizeof(buf), sizeof(union bpf_attr));
	expect_ret("log.buffer_without_level", 0, EINVAL, r.ret, r.err);
	r = load(prog_ret0, 2, 1, buf, 0, sizeof(union bpf_attr));
	expect_ret("log.buffer_without_size", 0, EINVAL, r.ret, r.err);
	r = load(prog_ret0, 2, 1, NULL, 100, sizeof(union bpf_attr));
	expect_ret("log.size_without_buffer", 0, EINVAL, r.ret, r.err);
	r = load(prog_ret0, 2, 16, buf, sizeof(buf), sizeof(union bpf_attr));
	expect_ret("log.unknown_level_bit", 0, EINVAL, r.ret, r.err);
	r = load(prog_ret0, 2, 1, buf, 0x40000000u, sizeof(union bpf_attr));
	expect_ret("log.size_over_limit", 0, EINVAL, r.ret, r.err);
	expect_long("log.size_over_limit.true_size_untouched", 0, r.true_size);

	memset(buf, 'x', sizeof(buf));
	r = load(prog_ret0, 2, 1, buf, sizeof(buf), sizeof(union bpf_attr));
	expect_ret("log.fits", 0, 0, r.ret >= 0 ? 0 : r.ret, r.err);
	observe("log.fits.true_size", "%u", r.true_size);
	expect_long("log.fits.length_plus_nul", r.true_size, (long)strnlen(buf, sizeof(buf)) + 1);
	show_buffer("log.fits.text", buf, r.true_size);

	memset(buf, 'x', sizeof(buf));
	r = load(prog_ret0, 2, 1, buf, 10, sizeof(union bpf_attr));
	expect_ret("log.short_rotating", 0, ENOSPC, r.ret, r.err);
	observe("log.short_rotating.true_size", "%u", r.true_size);
	show_buffer("log.short_rotating.text", buf, 12);

	memset(buf, 'x', sizeof(buf));
	r = load(prog_ret0, 2, 1 | BPF_LOG_FIXED_BIT, buf, 10, sizeof(union bpf_attr));
	expect_ret("log.short_fixed", 0, ENOSPC, r.ret, r.err);
	show_buffer("log.short_fixed.text", buf, 12);

	memset(buf, 'x', sizeof(buf));
	r = load(jump_out, 2, 1, buf, 10, sizeof(union bpf_attr));
	expect_ret("log.short_beats_refusal", 0, ENOSPC, r.ret, r.err);
	observe("log.short_beats_refusal.true_size", "%u", r.true_size);

	r = load(prog_ret0, 2, 1, buf, sizeof(buf), LOG_TRUE_SIZE_OFFSET);
	expect_ret("log.attr_without_true_size", 0, 0, r.ret >= 0 ? 0 : r.ret, r.err);
	expect_long("log.attr_without_true_size.untouched", 0xdeadbeef, r.true_size);

	r = load(prog_ret0, 2, 1, hole + page, 100, sizeof(union bpf_attr));
	expect_ret("log.buffer_unwritable", 0, EFAULT, r.ret, r.err);
	r = load(jump_out, 2, 1, hole + page, 100, sizeof(union bpf_attr));
	expect_ret("log.buffer_unwritable_refused", 0, EFAULT, r.ret, r.err);

	munmap(hole, 2 * page);
	return 0;
}
