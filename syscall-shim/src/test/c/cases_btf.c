/*
 * BPF_BTF_LOAD (kernel/bpf/btf.c btf_parse), BPF_BTF_GET_NEXT_ID / BPF_BTF_GET_FD_BY_ID and
 * BPF_OBJ_GET_INFO_BY_FD on a BTF object (btf_get_info_by_fd): errnos, the refusal's log line,
 * log_true_size of a refusal, the blob given back, the name rules; the whole log in cases_btf_log.c.
 */
#include "bpf_case.h"

#include <linux/btf.h>

/* offsetof(union bpf_attr, btf_log_true_size), Linux 6.4; not in the 6.1 header */
#define BTF_LOG_TRUE_SIZE_OFFSET 28

static unsigned char blob[256];
static size_t blob_len;

size_t btf_blob(unsigned char *out, size_t cap)
{
	static const char strs[] = "\0int\0pair\0a\0b";
	struct btf_header hdr;
	struct btf_type t;
	struct btf_member m;
	unsigned int u;
	size_t n = sizeof(hdr), types;

	if (cap < 200)
		return 0;
	/* [1] INT int size=4 bits=32 SIGNED */
	memset(&t, 0, sizeof(t));
	t.name_off = 1;
	t.info = BTF_KIND_INT << 24;
	t.size = 4;
	memcpy(out + n, &t, sizeof(t));
	n += sizeof(t);
	u = BTF_INT_SIGNED << 24 | 32;
	memcpy(out + n, &u, 4);
	n += 4;
	/* [2] PTR -> [1] */
	memset(&t, 0, sizeof(t));
	t.info = BTF_KIND_PTR << 24;
	t.type = 1;
	memcpy(out + n, &t, sizeof(t));
	n += sizeof(t);
	/* [3] STRUCT pair size=8 { int a; int b; } */
	memset(&t, 0, sizeof(t));
	t.name_off = 5;
	t.info = BTF_KIND_STRUCT << 24 | 2;
	t.size = 8;
	memcpy(out + n, &t, sizeof(t));
	n += sizeof(t);
	m.name_off = 10;
	m.type = 1;
	m.offset = 0;
	memcpy(out + n, &m, sizeof(m));
	n += sizeof(m);
	m.name_off = 12;
	m.offset = 32;
	memcpy(out + n, &m, sizeof(m));
	n += sizeof(m);
	types = n - sizeof(hdr);
	memcpy(out + n, strs, sizeof(strs));
	n += sizeof(strs);
	memset(&hdr, 0, sizeof(hdr));
	hdr.magic = BTF_MAGIC;
	hdr.version = BTF_VERSION;
	hdr.hdr_len = sizeof(hdr);
	hdr.type_off = 0;
	hdr.type_len = types;
	hdr.str_off = types;
	hdr.str_len = sizeof(strs);
	memcpy(out, &hdr, sizeof(hdr));
	return n;
}

long load_btf(const void *buf, unsigned size, char *log, unsigned log_size, unsigned log_level,
	      unsigned *log_true_size)
{
	union bpf_attr attr;
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.btf = (uintptr_t)buf;
	attr.btf_size = size;
	attr.btf_log_buf = (uintptr_t)log;
	attr.btf_log_size = log_size;
	attr.btf_log_level = log_level;
	r = sys_bpf(BPF_BTF_LOAD, &attr, sizeof(attr));
	if (log_true_size)
		memcpy(log_true_size, (char *)&attr + BTF_LOG_TRUE_SIZE_OFFSET, 4);
	return r;
}

static const char *last_line(const char *log)
{
	static char line[256];
	const char *end = log + strlen(log), *start;

	while (end > log && end[-1] == '\n')
		end--;
	start = end;
	while (start > log && start[-1] != '\n')
		start--;
	snprintf(line, sizeof(line), "%.*s", (int)(end - start), start);
	return line;
}

static void refusals(void)
{
	unsigned char bad[256];
	char log[4096];
	unsigned true_size = 0;
	long r;

	memcpy(bad, blob, blob_len);
	((struct btf_header *)bad)->magic = 0xeb9e;
	r = load_btf(bad, blob_len, NULL, 0, 0, NULL);
	expect_ret("btf.bad_magic", -1, EINVAL, r, errno);
	log[0] = 0;
	r = load_btf(bad, blob_len, log, sizeof(log), 1, &true_size);
	expect_ret("btf.bad_magic.with_log", -1, EINVAL, r, errno);
	expect_str("btf.bad_magic.log_last_line", "Invalid magic", last_line(log));
	expect_long("btf.bad_magic.log_true_size_is_log_plus_nul", 1, true_size == strlen(log) + 1);

	memcpy(bad, blob, blob_len);
	/* struct pair's second member at bit 48 ends past the struct's 8 bytes */
	{
		struct btf_member *b = (struct btf_member *)(bad + sizeof(struct btf_header) + 16 + 12 + 12 + 12);
		b->offset = 48;
	}
	log[0] = 0;
	r = load_btf(bad, blob_len, log, sizeof(log), 1, NULL);
	expect_ret("btf.member_past_end", -1, EINVAL, r, errno);
	observe("btf.member_past_end.log_last_line", "%s", last_line(log));

	r = load_btf(blob, 8, NULL, 0, 0, NULL);
	expect_ret("btf.truncated_header", -1, EINVAL, r, errno);
	r = load_btf(blob, 0, NULL, 0, 0, NULL);
	expect_ret("btf.size_zero", -1, EINVAL, r, errno);
	r = load_btf(blob, 16 * 1024 * 1024 + 1, NULL, 0, 0, NULL);
	expect_ret("btf.size_over_max", -1, E2BIG, r, errno);
	r = load_btf(NULL, blob_len, NULL, 0, 0, NULL);
	expect_ret("btf.null_blob", -1, EFAULT, r, errno);
	r = load_btf(page_before_hole() + page_size() - 16, 64, NULL, 0, 0, NULL);
	expect_ret("btf.blob_runs_into_hole", -1, EFAULT, r, errno);
	r = load_btf(blob, blob_len, log, 0, 1, NULL);
	expect_ret("btf.log_buf_without_size", -1, EINVAL, r, errno);
	r = load_btf(blob, blob_len, log, sizeof(log), 0, NULL);
	expect_ret("btf.log_buf_without_level", -1, EINVAL, r, errno);
	r = load_btf(blob, blob_len, NULL, 0, 0x100, NULL);
	expect_ret("btf.log_level_unknown_bit", -1, EINVAL, r, errno);
	memcpy(bad, blob, blob_len);
	((struct btf_header *)bad)->magic = 0xeb9e;
	r = load_btf(bad, blob_len, log, 4, 1, &true_size);
	expect_ret("btf.short_log", -1, ENOSPC, r, errno);
	expect_long("btf.short_log.terminated", 3, strlen(log));
	expect_long("btf.short_log.true_size_larger", 1, true_size > 4);
}

static void ids_and_info(int fd)
{
	struct bpf_btf_info info;
	union bpf_attr attr;
	unsigned char back[256];
	char name[8];
	unsigned len;
	long r, fd2;
	int id, seen = 0;

	memset(&info, 0, sizeof(info));
	r = obj_info(fd, &info, sizeof(info), &len);
	expect_ret("btf.info", 0, 0, r, errno);
	expect_long("btf.info.info_len", sizeof(info), len);
	expect_long("btf.info.btf_size", blob_len, info.btf_size);
	expect_long("btf.info.id_positive", 1, info.id > 0);
	expect_long("btf.info.kernel_btf", 0, info.kernel_btf);
	expect_long("btf.info.name_len", 0, info.name_len);
	id = info.id;

	memset(&info, 0, sizeof(info));
	memset(back, 0xee, sizeof(back));
	info.btf = (uintptr_t)back;
	info.btf_size = sizeof(back);
	memset(name, 'x', sizeof(name));
	info.name = (uintptr_t)name;
	info.name_len = sizeof(name);
	r = obj_info(fd, &info, sizeof(info), NULL);
	expect_ret("btf.info.with_buffers", 0, 0, r, errno);
	expect_long("btf.info.blob_given_back", 0, memcmp(back, blob, blob_len));
	expect_long("btf.info.blob_rest_untouched", 0xee, back[blob_len]);
	expect_long("btf.info.name_empty", 0, name[0]);
	expect_long("btf.info.name_rest_untouched", 'x', name[1]);

	memset(&info, 0, sizeof(info));
	memset(back, 0xee, sizeof(back));
	info.btf = (uintptr_t)back;
	info.btf_size = 10;
	r = obj_info(fd, &info, sizeof(info), NULL);
	expect_ret("btf.info.short_blob_buffer", 0, 0, r, errno);
	expect_long("btf.info.short_blob_buffer.btf_size", blob_len, info.btf_size);
	expect_long("btf.info.short_blob_buffer.cut", 0xee, back[10]);

	memset(&info, 0, sizeof(info));
	info.name = (uintptr_t)name;
	r = obj_info(fd, &info, sizeof(info), NULL);
	expect_ret("btf.info.name_without_len", -1, EINVAL, r, errno);
	memset(&info, 0, sizeof(info));
	info.btf = (uintptr_t)page_before_hole() + page_size();
	info.btf_size = 64;
	r = obj_info(fd, &info, sizeof(info), NULL);
	expect_ret("btf.info.blob_to_hole", -1, EFAULT, r, errno);
	memset(&info, 0, sizeof(info));
	r = obj_info(fd, &info, 12, &len);
	expect_ret("btf.info.short_info", 0, 0, r, errno);
	expect_long("btf.info.short_info.len", 12, len);
	expect_long("btf.info.short_info.size_set", blob_len, info.btf_size);
	expect_long("btf.info.short_info.id_not_reached", 0, info.id);

	/* BTF_GET_NEXT_ID walks to our id; BTF_GET_FD_BY_ID opens it again */
	memset(&attr, 0, sizeof(attr));
	while (sys_bpf(BPF_BTF_GET_NEXT_ID, &attr, sizeof(attr)) == 0) {
		if ((int)attr.next_id == id)
			seen = 1;
		attr.start_id = attr.next_id;
	}
	expect_long("btf.next_id.finds_it", 1, seen);
	expect_str("btf.next_id.walk_end", "ENOENT", errno_name(errno));
	memset(&attr, 0, sizeof(attr));
	attr.btf_id = id;
	fd2 = sys_bpf(BPF_BTF_GET_FD_BY_ID, &attr, sizeof(attr));
	expect_ret("btf.fd_by_id", fd + 1, 0, fd2, errno);
	memset(&info, 0, sizeof(info));
	obj_info((int)fd2, &info, sizeof(info), NULL);
	expect_long("btf.fd_by_id.same_id", 1, id == (int)info.id);
	close((int)fd2);
	memset(&attr, 0, sizeof(attr));
	attr.btf_id = 0;
	r = sys_bpf(BPF_BTF_GET_FD_BY_ID, &attr, sizeof(attr));
	expect_ret("btf.fd_by_id.zero", -1, ENOENT, r, errno);
	attr.btf_id = 0x7ffffff0;
	r = sys_bpf(BPF_BTF_GET_FD_BY_ID, &attr, sizeof(attr));
	expect_ret("btf.fd_by_id.unknown", -1, ENOENT, r, errno);

	/* after the last descriptor goes, the id is gone */
	close(fd);
	memset(&attr, 0, sizeof(attr));
	attr.btf_id = id;
	r = sys_bpf(BPF_BTF_GET_FD_BY_ID, &attr, sizeof(attr));
	expect_ret("btf.closed.fd_by_id", -1, ENOENT, r, errno);
}

/* [1] INT int, [2] FUNC_PROTO int (void), [3] FUNC prog static -> [2]; strings "\0int\0prog\0" */
static size_t func_blob(unsigned char *out)
{
	static const char strs[] = "\0int\0prog";
	struct btf_header hdr;
	unsigned int words[] = {
		1, BTF_KIND_INT << 24, 4, BTF_INT_SIGNED << 24 | 32,
		0, BTF_KIND_FUNC_PROTO << 24, 1,
		5, BTF_KIND_FUNC << 24, 2,
	};

	memset(&hdr, 0, sizeof(hdr));
	hdr.magic = BTF_MAGIC;
	hdr.version = BTF_VERSION;
	hdr.hdr_len = sizeof(hdr);
	hdr.type_len = sizeof(words);
	hdr.str_off = sizeof(words);
	hdr.str_len = sizeof(strs);
	memcpy(out, &hdr, sizeof(hdr));
	memcpy(out + sizeof(hdr), words, sizeof(words));
	memcpy(out + sizeof(hdr) + sizeof(words), strs, sizeof(strs));
	return sizeof(hdr) + sizeof(words) + sizeof(strs);
}

struct info_case {
	int btf_fd;
	unsigned func_rec, func_cnt, line_rec, line_cnt;
	const void *funcs, *lines;
};

static long load_with_info(const struct info_case *c, char *log, unsigned log_size)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uintptr_t)prog_ret0;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t)"GPL";
	attr.prog_btf_fd = c->btf_fd;
	attr.func_info_rec_size = c->func_rec;
	attr.func_info_cnt = c->func_cnt;
	attr.func_info = (uintptr_t)c->funcs;
	attr.line_info_rec_size = c->line_rec;
	attr.line_info_cnt = c->line_cnt;
	attr.line_info = (uintptr_t)c->lines;
	if (log) {
		log[0] = 0;
		attr.log_buf = (uintptr_t)log;
		attr.log_size = log_size;
		attr.log_level = 1;
	}
	return sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

/* PROG_LOAD's prog_btf_fd, func_info and line_info (verifier.c check_btf_info_early, check_btf_func, check_btf_line) */
static void prog_info_cases(void)
{
	unsigned char fblob[128];
	unsigned funcs[6] = { 0, 3, 0, 0, 0, 0 };
	unsigned lines[8] = { 0, 1, 1, 0, 0, 0, 0, 0 };
	char log[4096];
	struct info_case c;
	long btf, r;

	btf = load_btf(fblob, func_blob(fblob), NULL, 0, 0, NULL);
	expect_ret("btfinfo.btf", 3, 0, btf, errno);
	memset(&c, 0, sizeof(c));
	c.btf_fd = btf;
	c.func_rec = 8;
	c.func_cnt = 1;
	c.funcs = funcs;
	r = load_with_info(&c, NULL, 0);
	expect_ret("btfinfo.func_info", 4, 0, r, errno);
	close((int)r);
	c.line_rec = 16;
	c.line_cnt = 1;
	c.lines = lines;
	r = load_with_info(&c, NULL, 0);
	expect_ret("btfinfo.func_and_line_info", 4, 0, r, errno);
	close((int)r);

	c.func_rec = 7;
	r = load_with_info(&c, log, sizeof(log));
	expect_ret("btfinfo.func_rec_size_7", -1, EINVAL, r, errno);
	observe("btfinfo.func_rec_size_7.log", "%s", log);
	c.func_rec = 12;
	funcs[2] = 0xff;
	r = load_with_info(&c, log, sizeof(log));
	expect_ret("btfinfo.func_rec_nonzero_tail", -1, E2BIG, r, errno);
	observe("btfinfo.func_rec_nonzero_tail.log", "%s", log);
	funcs[2] = 0;
	r = load_with_info(&c, NULL, 0);
	expect_ret("btfinfo.func_rec_zero_tail", 4, 0, r, errno);
	close((int)r);
	c.func_rec = 8;
	funcs[1] = 1;
	r = load_with_info(&c, log, sizeof(log));
	expect_ret("btfinfo.func_type_not_func", -1, EINVAL, r, errno);
	observe("btfinfo.func_type_not_func.log", "%s", log);
	funcs[1] = 3;
	funcs[0] = 1;
	r = load_with_info(&c, log, sizeof(log));
	expect_ret("btfinfo.first_func_not_at_0", -1, EINVAL, r, errno);
	observe("btfinfo.first_func_not_at_0.log", "%s", log);
	funcs[0] = 0;
	funcs[2] = 1;
	funcs[3] = 3;
	c.func_cnt = 2;
	r = load_with_info(&c, log, sizeof(log));
	expect_ret("btfinfo.more_funcs_than_subprogs", -1, EINVAL, r, errno);
	observe("btfinfo.more_funcs_than_subprogs.log", "%s", log);
	c.func_cnt = 1;
	c.btf_fd = 999;
	r = load_with_info(&c, NULL, 0);
	expect_ret("btfinfo.btf_fd_closed", -1, EBADF, r, errno);
	c.btf_fd = 0;
	r = load_with_info(&c, NULL, 0);
	expect_ret("btfinfo.btf_fd_stdin", -1, EINVAL, r, errno);
	c.btf_fd = btf;
	c.funcs = NULL;
	r = load_with_info(&c, NULL, 0);
	expect_ret("btfinfo.func_info_null", -1, EFAULT, r, errno);
	c.funcs = funcs;

	c.line_rec = 8;
	r = load_with_info(&c, NULL, 0);
	expect_ret("btfinfo.line_rec_size_8", -1, EINVAL, r, errno);
	c.line_rec = 16;
	lines[0] = 5;
	r = load_with_info(&c, log, sizeof(log));
	expect_ret("btfinfo.line_past_end", -1, EINVAL, r, errno);
	observe("btfinfo.line_past_end.log", "%s", log);
	lines[0] = 1;
	r = load_with_info(&c, log, sizeof(log));
	expect_ret("btfinfo.line_not_at_0", -1, EINVAL, r, errno);
	observe("btfinfo.line_not_at_0.log", "%s", log);
	lines[0] = 0;
	lines[2] = 1000;
	r = load_with_info(&c, log, sizeof(log));
	expect_ret("btfinfo.line_off_past_strings", -1, EINVAL, r, errno);
	observe("btfinfo.line_off_past_strings.log", "%s", log);
	lines[2] = 1;
	c.func_cnt = 0;
	r = load_with_info(&c, NULL, 0);
	expect_ret("btfinfo.line_info_only", 4, 0, r, errno);
	close((int)r);
	close((int)btf);
}

int cases_btf(void)
{
	long fd;

	blob_len = btf_blob(blob, sizeof(blob));
	fd = load_btf(blob, blob_len, NULL, 0, 0, NULL);
	expect_ret("btf.load", 3, 0, fd, errno);
	refusals();
	if (fd >= 0)
		ids_and_info((int)fd);
	prog_info_cases();
	cases_btf_log();
	return 0;
}
