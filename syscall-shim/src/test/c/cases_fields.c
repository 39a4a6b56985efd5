/*
 * The attr fields Linux 6.18 reads and this host's uapi header (Linux 6.1) lacks, written at their
 * offsets (include/uapi/linux/bpf.h of 6.18; kernel/bpf/syscall.c):
 *   BPF_MAP_CREATE   72 value_type_btf_obj_fd (struct_ops only), 76 map_token_fd (with BPF_F_TOKEN_FD,
 *                    after the type's checks), 80 excl_prog_hash and 88 excl_prog_hash_size: the SHA-256
 *                    of the one program that may use the map (check_map_prog_compatibility: EACCES for
 *                    any other at PROG_LOAD)
 *   BPF_PROG_LOAD    144 prog_token_fd, 148 fd_array_cnt (process_fd_array), 152 signature,
 *                    160 signature_size, 164 keyring_id
 *   BPF_BTF_LOAD     32 btf_flags, 36 btf_token_fd
 *   BPF_BTF_GET_FD_BY_ID  8 open_flags, 12 fd_by_id_token_fd
 *   BPF_RAW_TRACEPOINT_OPEN  16 cookie
 *   BPF_TOKEN_CREATE (36) and BPF_PROG_STREAM_READ_BY_FD (37), commands 6.1 lacks
 * No BPF token can be made here (a token needs a delegating bpffs in a user namespace), so each token
 * case is a refusal: EBADF for a closed descriptor, EINVAL for one that is not a token.
 */
#include "bpf_case.h"
#include "sha256.h"

#include <fcntl.h>
#include <stddef.h>

#define OFF_VALUE_TYPE_BTF_OBJ_FD 72
#define OFF_MAP_TOKEN_FD 76
#define OFF_EXCL_PROG_HASH 80
#define OFF_EXCL_PROG_HASH_SIZE 88
#define ATTR_END 92
#define F_TOKEN_FD (1u << 16)

static void put32(union bpf_attr *a, unsigned off, uint32_t v)
{
	memcpy((char *)a + off, &v, sizeof(v));
}

static void put64(union bpf_attr *a, unsigned off, uint64_t v)
{
	memcpy((char *)a + off, &v, sizeof(v));
}

/* An ARRAY of 2 x 8 bytes; the caller adds the newer fields. The attr is ATTR_END bytes. */
static void array_attr(unsigned char buf[ATTR_END], __u32 flags)
{
	union bpf_attr *a = (union bpf_attr *)buf;

	memset(buf, 0, ATTR_END);
	a->map_type = BPF_MAP_TYPE_ARRAY;
	a->key_size = 4;
	a->value_size = 8;
	a->max_entries = 2;
	a->map_flags = flags;
}

/* Prints "ok" for a new descriptor (closed at once) or the errno: descriptor numbers are not the point. */
static void create(const char *name, unsigned char *buf, const char *want)
{
	long r = sys_bpf(BPF_MAP_CREATE, buf, ATTR_END);
	int e = errno;
	char got[64];

	if (r >= 0) {
		snprintf(got, sizeof(got), "ok");
		close((int)r);
	} else {
		snprintf(got, sizeof(got), "%s", errno_name(e));
	}
	expect_str(name, want, got);
}

/* r1 = the map (ld_imm64, BPF_PSEUDO_MAP_FD); r0 = ret; exit. */
static void map_prog(struct bpf_insn insns[4], int map_fd, int ret)
{
	memset(insns, 0, 4 * sizeof(insns[0]));
	insns[0].code = BPF_LD | BPF_DW | BPF_IMM;
	insns[0].dst_reg = BPF_REG_1;
	insns[0].src_reg = BPF_PSEUDO_MAP_FD;
	insns[0].imm = map_fd;
	insns[2].code = BPF_ALU64 | BPF_MOV | BPF_K;
	insns[2].imm = ret;
	insns[3].code = BPF_JMP | BPF_EXIT;
}

/* The digest bpf_prog_calc_tag takes (kernel/bpf/core.c): the instructions with map fds zeroed. */
static void digest(const struct bpf_insn insns[4], unsigned char out[32])
{
	struct bpf_insn copy[4];

	memcpy(copy, insns, sizeof(copy));
	copy[0].imm = 0;
	copy[1].imm = 0;
	sha256(copy, sizeof(copy), out);
}

static long load_with_log(const struct bpf_insn *insns, char *log, unsigned log_size)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	memset(log, 0, log_size);
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = 4;
	attr.license = (__u64)(unsigned long)"GPL";
	attr.log_level = 1;
	attr.log_buf = (__u64)(unsigned long)log;
	attr.log_size = log_size;
	return sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

static void print_log(const char *name, const char *log)
{
	char line[256];
	int n = 0;

	for (const char *p = log; *p; p++) {
		if (*p == '\n' || n == (int)sizeof(line) - 1) {
			line[n] = 0;
			observe(name, "%s", line);
			n = 0;
		} else {
			line[n++] = *p;
		}
	}
	if (n) {
		line[n] = 0;
		observe(name, "%s", line);
	}
}

static void token_cases(void)
{
	unsigned char buf[ATTR_END];
	int p[2];

	array_attr(buf, 0);
	put32((union bpf_attr *)buf, OFF_VALUE_TYPE_BTF_OBJ_FD, 987);
	create("fields.map_create.value_type_btf_obj_fd_ignored", buf, "ok");
	array_attr(buf, 0);
	put32((union bpf_attr *)buf, OFF_MAP_TOKEN_FD, 987);
	create("fields.map_create.token_fd_without_flag_ignored", buf, "ok");
	array_attr(buf, F_TOKEN_FD);
	put32((union bpf_attr *)buf, OFF_MAP_TOKEN_FD, 987);
	create("fields.map_create.token_fd_closed", buf, "EBADF");
	array_attr(buf, F_TOKEN_FD);
	put32((union bpf_attr *)buf, OFF_MAP_TOKEN_FD, (uint32_t)-1);
	create("fields.map_create.token_fd_minus_1", buf, "EBADF");
	if (pipe2(p, O_CLOEXEC) == 0) {
		array_attr(buf, F_TOKEN_FD);
		put32((union bpf_attr *)buf, OFF_MAP_TOKEN_FD, (uint32_t)p[0]);
		create("fields.map_create.token_fd_pipe", buf, "EINVAL");
		close(p[0]);
		close(p[1]);
	}
	array_attr(buf, 0);
	{
		long map = sys_bpf(BPF_MAP_CREATE, buf, ATTR_END);
		array_attr(buf, F_TOKEN_FD);
		put32((union bpf_attr *)buf, OFF_MAP_TOKEN_FD, (uint32_t)map);
		create("fields.map_create.token_fd_map", buf, "EINVAL");
		if (map >= 0)
			close((int)map);
	}
	/* The type's own checks come before the token (map_alloc_check, then bpf_token_get_from_fd). */
	array_attr(buf, F_TOKEN_FD);
	((union bpf_attr *)buf)->key_size = 8;
	put32((union bpf_attr *)buf, OFF_MAP_TOKEN_FD, 987);
	create("fields.map_create.token_after_type_checks", buf, "EINVAL");
	array_attr(buf, F_TOKEN_FD | BPF_F_RDONLY | BPF_F_WRONLY);
	put32((union bpf_attr *)buf, OFF_MAP_TOKEN_FD, 987);
	create("fields.map_create.token_after_file_flags", buf, "EINVAL");
	/* The flag is taken out before the type's flag mask sees it. */
	array_attr(buf, F_TOKEN_FD | (1u << 15));
	put32((union bpf_attr *)buf, OFF_MAP_TOKEN_FD, 987);
	create("fields.map_create.vtype_btf_obj_fd_flag_on_array", buf, "EINVAL");
}

static void exclusive_cases(void)
{
	unsigned char buf[ATTR_END], hash[32];
	struct bpf_insn mine[4], theirs[4];
	char *hole = page_before_hole();
	char log[4096];
	long map, r;

	map_prog(mine, 0, 0);
	digest(mine, hash);

	array_attr(buf, 0);
	put32((union bpf_attr *)buf, OFF_EXCL_PROG_HASH_SIZE, 32);
	create("fields.map_create.excl_size_without_hash", buf, "EINVAL");
	array_attr(buf, 0);
	put64((union bpf_attr *)buf, OFF_EXCL_PROG_HASH, (uintptr_t)hash);
	create("fields.map_create.excl_hash_without_size", buf, "EINVAL");
	put32((union bpf_attr *)buf, OFF_EXCL_PROG_HASH_SIZE, 20);
	create("fields.map_create.excl_hash_size_20", buf, "EINVAL");
	put32((union bpf_attr *)buf, OFF_EXCL_PROG_HASH_SIZE, 32);
	put64((union bpf_attr *)buf, OFF_EXCL_PROG_HASH, (uintptr_t)(hole + page_size()));
	create("fields.map_create.excl_hash_unmapped", buf, "EFAULT");
	put64((union bpf_attr *)buf, OFF_EXCL_PROG_HASH, (uintptr_t)(hole + page_size() - 16));
	create("fields.map_create.excl_hash_straddles", buf, "EFAULT");
	/* The BTF descriptor is looked at before the hash. */
	((union bpf_attr *)buf)->btf_fd = 987;
	((union bpf_attr *)buf)->btf_value_type_id = 1;
	create("fields.map_create.excl_after_btf", buf, "EBADF");
	/* The map's own checks come first too. */
	array_attr(buf, 0);
	((union bpf_attr *)buf)->max_entries = 0;
	put32((union bpf_attr *)buf, OFF_EXCL_PROG_HASH_SIZE, 7);
	create("fields.map_create.excl_after_type_checks", buf, "EINVAL");

	array_attr(buf, 0);
	put64((union bpf_attr *)buf, OFF_EXCL_PROG_HASH, (uintptr_t)hash);
	put32((union bpf_attr *)buf, OFF_EXCL_PROG_HASH_SIZE, 32);
	map = sys_bpf(BPF_MAP_CREATE, buf, ATTR_END);
	expect_str("fields.map_create.excl_create", "ok", map >= 0 ? "ok" : errno_name(errno));
	if (map < 0)
		return;
	map_prog(mine, (int)map, 0);
	map_prog(theirs, (int)map, 1);
	r = load_with_log(mine, log, sizeof(log));
	expect_str("fields.map_create.excl_load_matching", "ok", r >= 0 ? "ok" : errno_name(errno));
	{
		long prog = r;
		union bpf_attr attr;
		uint32_t key = 0;
		uint64_t value = 7;

		memset(&attr, 0, sizeof(attr));
		attr.map_fd = (__u32)map;
		attr.key = (__u64)(unsigned long)&key;
		attr.value = (__u64)(unsigned long)&value;
		r = sys_bpf(BPF_MAP_UPDATE_ELEM, &attr, sizeof(attr));
		expect_str("fields.map_create.excl_update_from_user", "ok", r >= 0 ? "ok" : errno_name(errno));
		r = load_with_log(theirs, log, sizeof(log));
		expect_str("fields.map_create.excl_load_other", "EACCES", r >= 0 ? "ok" : errno_name(errno));
		print_log("fields.map_create.excl_load_other_log", log);
		if (r >= 0)
			close((int)r);
		/* PROG_BIND_MAP of the exclusive map to another program. */
		r = load_prog(prog_ret0, 2, NULL, NULL);
		if (r >= 0) {
			memset(&attr, 0, sizeof(attr));
			attr.prog_bind_map.prog_fd = (__u32)r;
			attr.prog_bind_map.map_fd = (__u32)map;
			long b = sys_bpf(BPF_PROG_BIND_MAP, &attr, sizeof(attr));
			observe("fields.map_create.excl_bind_other", "%s", b >= 0 ? "ok" : errno_name(errno));
			close((int)r);
		}
		if (prog >= 0)
			close((int)prog);
	}
	close((int)map);
}

/* A 168-byte attr (6.18's union) for PROG_LOAD of r0 = 0; exit. */
static void prog_attr(unsigned char buf[168], const struct bpf_insn *insns)
{
	union bpf_attr *a = (union bpf_attr *)buf;

	memset(buf, 0, 168);
	a->prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a->insns = (__u64)(unsigned long)insns;
	a->insn_cnt = 2;
	a->license = (__u64)(unsigned long)"GPL";
}

static void see(const char *name, const char *want, long r, int e)
{
	if (r >= 0)
		close((int)r);
	expect_str(name, want, r >= 0 ? "ok" : errno_name(e));
}

static void prog_load_cases(void)
{
	unsigned char buf[168];
	union bpf_attr *a = (union bpf_attr *)buf;
	int fds[3];
	long r;
	char log[1024];
	union bpf_attr m;

	prog_attr(buf, prog_ret0);
	put32(a, 144, 987);
	r = sys_bpf(BPF_PROG_LOAD, buf, 168);
	see("fields.prog_load.token_fd_without_flag_ignored", "ok", r, errno);
	a->prog_flags = F_TOKEN_FD;
	r = sys_bpf(BPF_PROG_LOAD, buf, 168);
	see("fields.prog_load.token_fd_closed", "EBADF", r, errno);
	a->insn_cnt = 0;
	r = sys_bpf(BPF_PROG_LOAD, buf, 168);
	see("fields.prog_load.token_before_insn_cnt", "EBADF", r, errno);
	prog_attr(buf, prog_ret0);
	a->prog_flags = 1u << 6 | 1u << 7;
	r = sys_bpf(BPF_PROG_LOAD, buf, 168);
	see("fields.prog_load.flags_6_and_7", "ok", r, errno);
	a->prog_flags = 1u << 8;
	r = sys_bpf(BPF_PROG_LOAD, buf, 168);
	see("fields.prog_load.flag_8", "EINVAL", r, errno);

	/* A signature this runtime (and this host's kernel) cannot check: after the copies, before the type. */
	prog_attr(buf, prog_ret0);
	put64(a, 152, (uintptr_t)log);
	put32(a, 160, 16);
	r = sys_bpf(BPF_PROG_LOAD, buf, 168);
	see("fields.prog_load.signature", "EOPNOTSUPP", r, errno);
	a->prog_type = 999;
	r = sys_bpf(BPF_PROG_LOAD, buf, 168);
	see("fields.prog_load.signature_before_type", "EOPNOTSUPP", r, errno);
	a->insns = 8;
	r = sys_bpf(BPF_PROG_LOAD, buf, 168);
	see("fields.prog_load.signature_after_insns", "EFAULT", r, errno);
	prog_attr(buf, prog_ret0);
	put32(a, 160, 16);
	put32(a, 164, 3);
	r = sys_bpf(BPF_PROG_LOAD, buf, 168);
	see("fields.prog_load.signature_size_and_keyring_alone", "ok", r, errno);

	/* fd_array_cnt: each descriptor a map (bound to the program) or a BTF object. */
	memset(&m, 0, sizeof(m));
	m.map_type = BPF_MAP_TYPE_ARRAY;
	m.key_size = 4;
	m.value_size = 4;
	m.max_entries = 1;
	fds[0] = (int)sys_bpf(BPF_MAP_CREATE, &m, sizeof(m));
	fds[1] = 0;
	fds[2] = 987;
	prog_attr(buf, prog_ret0);
	a->fd_array = (__u64)(unsigned long)fds;
	put32(a, 148, 1);
	r = sys_bpf(BPF_PROG_LOAD, buf, 168);
	expect_str("fields.prog_load.fd_array_cnt_map", "ok", r >= 0 ? "ok" : errno_name(errno));
	if (r >= 0) {
		struct bpf_prog_info info;
		union bpf_attr g;

		memset(&info, 0, sizeof(info));
		memset(&g, 0, sizeof(g));
		g.info.bpf_fd = (__u32)r;
		g.info.info = (__u64)(unsigned long)&info;
		g.info.info_len = sizeof(info);
		sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &g, sizeof(g));
		expect_long("fields.prog_load.fd_array_cnt_map_ids", 1, info.nr_map_ids);
		close((int)r);
	}
	a->log_level = 1;
	a->log_buf = (__u64)(unsigned long)log;
	a->log_size = sizeof(log);
	put32(a, 148, 2);
	memset(log, 0, sizeof(log));
	r = sys_bpf(BPF_PROG_LOAD, buf, 168);
	see("fields.prog_load.fd_array_cnt_stdin", "EINVAL", r, errno);
	print_log("fields.prog_load.fd_array_cnt_stdin_log", log);
	fds[1] = fds[0];
	put32(a, 148, 3);
	r = sys_bpf(BPF_PROG_LOAD, buf, 168);
	see("fields.prog_load.fd_array_cnt_closed", "EBADF", r, errno);
	{
		/* the array's second entry in unmapped memory: the first is taken, then the fault */
		char *hole = page_before_hole();
		int *last = (int *)(hole + page_size() - 4);

		*last = fds[0];
		a->fd_array = (__u64)(unsigned long)last;
		put32(a, 148, 2);
		r = sys_bpf(BPF_PROG_LOAD, buf, 168);
		see("fields.prog_load.fd_array_cnt_runs_into_hole", "EFAULT", r, errno);
	}
	a->fd_array = 0;
	put32(a, 148, 1);
	r = sys_bpf(BPF_PROG_LOAD, buf, 168);
	see("fields.prog_load.fd_array_cnt_without_array", "EFAULT", r, errno);
	put32(a, 148, 0x40000000);
	memset(log, 0, sizeof(log));
	r = sys_bpf(BPF_PROG_LOAD, buf, 168);
	see("fields.prog_load.fd_array_cnt_too_big", "EINVAL", r, errno);
	print_log("fields.prog_load.fd_array_cnt_too_big_log", log);
	if (fds[0] >= 0)
		close(fds[0]);
}

static void btf_cases(void)
{
	unsigned char blob[256], buf[40];
	union bpf_attr *a = (union bpf_attr *)buf;
	size_t len = btf_blob(blob, sizeof(blob));
	long r;

	memset(buf, 0, sizeof(buf));
	a->btf = (__u64)(unsigned long)blob;
	a->btf_size = (__u32)len;
	put32(a, 36, 987);
	r = sys_bpf(BPF_BTF_LOAD, buf, sizeof(buf));
	see("fields.btf_load.token_fd_without_flag_ignored", "ok", r, errno);
	put32(a, 32, F_TOKEN_FD);
	r = sys_bpf(BPF_BTF_LOAD, buf, sizeof(buf));
	see("fields.btf_load.token_fd_closed", "EBADF", r, errno);
	put32(a, 32, 1);
	r = sys_bpf(BPF_BTF_LOAD, buf, sizeof(buf));
	see("fields.btf_load.flags_1", "EINVAL", r, errno);
	put32(a, 32, 0);
	a->btf_size = 1u << 30;
	put32(a, 32, 2);
	r = sys_bpf(BPF_BTF_LOAD, buf, sizeof(buf));
	see("fields.btf_load.flags_before_size", "EINVAL", r, errno);

	/* BTF_GET_FD_BY_ID: open_flags may only hold BPF_F_TOKEN_FD. */
	memset(buf, 0, sizeof(buf));
	a->btf_id = 0x7ffffff0;
	r = sys_bpf(BPF_BTF_GET_FD_BY_ID, buf, 16);
	see("fields.btf_get_fd_by_id.no_such_id", "ENOENT", r, errno);
	put32(a, 12, 987);
	r = sys_bpf(BPF_BTF_GET_FD_BY_ID, buf, 16);
	see("fields.btf_get_fd_by_id.token_fd_without_flag_ignored", "ENOENT", r, errno);
	put32(a, 8, F_TOKEN_FD);
	r = sys_bpf(BPF_BTF_GET_FD_BY_ID, buf, 16);
	see("fields.btf_get_fd_by_id.token_fd_closed", "EBADF", r, errno);
	put32(a, 8, BPF_F_RDONLY);
	r = sys_bpf(BPF_BTF_GET_FD_BY_ID, buf, 16);
	see("fields.btf_get_fd_by_id.rdonly", "EINVAL", r, errno);
}

static void raw_tracepoint_cases(void)
{
	unsigned char buf[24];
	union bpf_attr *a = (union bpf_attr *)buf;
	union bpf_attr p;
	long prog, r;

	memset(&p, 0, sizeof(p));
	p.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	p.insns = (__u64)(unsigned long)prog_ret0;
	p.insn_cnt = 2;
	p.license = (__u64)(unsigned long)"GPL";
	prog = sys_bpf(BPF_PROG_LOAD, &p, sizeof(p));
	if (prog < 0) {
		observe("fields.raw_tracepoint.setup", "%s", errno_name(errno));
		return;
	}
	/* The padding before the cookie is not checked; the cookie is taken as it is. */
	memset(buf, 0, sizeof(buf));
	a->raw_tracepoint.name = (__u64)(unsigned long)"sys_enter";
	a->raw_tracepoint.prog_fd = (__u32)prog;
	put32(a, 12, 5);
	put64(a, 16, 0x1122334455667788ull);
	r = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, buf, sizeof(buf));
	expect_str("fields.raw_tracepoint.cookie", "ok", r >= 0 ? "ok" : errno_name(errno));
	if (r >= 0) {
		/* bpf_link_info.raw_tracepoint: tp_name @16, tp_name_len @24, cookie @32 (6.10) */
		unsigned char info[48];
		char name[32];
		union bpf_attr g;
		uint64_t cookie;

		memset(info, 0, sizeof(info));
		put64((union bpf_attr *)info, 16, (uintptr_t)name);
		put32((union bpf_attr *)info, 24, sizeof(name));
		memset(&g, 0, sizeof(g));
		g.info.bpf_fd = (__u32)r;
		g.info.info = (__u64)(unsigned long)info;
		g.info.info_len = sizeof(info);
		see("fields.raw_tracepoint.link_info", "ok", sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &g, sizeof(g)), errno);
		memcpy(&cookie, info + 32, 8);
		observe("fields.raw_tracepoint.link_info.cookie", "0x%llx", (unsigned long long)cookie);
		observe("fields.raw_tracepoint.link_info.info_len", "%u", g.info.info_len);
		close((int)r);
	}
	close((int)prog);
}

/* The two commands Linux 6.1 lacks: BPF_TOKEN_CREATE (36) and BPF_PROG_STREAM_READ_BY_FD (37). */
static void new_command_cases(void)
{
	unsigned char buf[24];
	char out[64];
	long prog = load_prog(prog_ret0, 2, NULL, NULL), r;
	int p[2];

	memset(buf, 0, sizeof(buf));
	put32((union bpf_attr *)buf, 0, 1);
	r = sys_bpf(36, buf, 8);
	see("fields.token_create.flags", "EINVAL", r, errno);
	put32((union bpf_attr *)buf, 0, 0);
	put32((union bpf_attr *)buf, 4, 987);
	r = sys_bpf(36, buf, 8);
	see("fields.token_create.closed_fd", "EBADF", r, errno);
	if (pipe2(p, O_CLOEXEC) == 0) {
		put32((union bpf_attr *)buf, 4, (uint32_t)p[0]);
		r = sys_bpf(36, buf, 8);
		see("fields.token_create.pipe", "EINVAL", r, errno);
		close(p[0]);
		close(p[1]);
	}
	for (unsigned id = 0; id <= 3; id++) {
		char name[64];

		memset(buf, 0, sizeof(buf));
		put64((union bpf_attr *)buf, 0, (uintptr_t)out);
		put32((union bpf_attr *)buf, 8, sizeof(out));
		put32((union bpf_attr *)buf, 12, id);
		put32((union bpf_attr *)buf, 16, (uint32_t)prog);
		r = sys_bpf(37, buf, 20);
		snprintf(name, sizeof(name), "fields.prog_stream_read.stream_%u", id);
		observe(name, "%s", r >= 0 ? "ok" : errno_name(errno));
		if (r >= 0)
			observe("fields.prog_stream_read.bytes", "%ld", r);
	}
	put32((union bpf_attr *)buf, 12, 1);
	put32((union bpf_attr *)buf, 16, 987);
	r = sys_bpf(37, buf, 20);
	see("fields.prog_stream_read.closed_fd", "EBADF", r, errno);
	if (prog >= 0)
		close((int)prog);
}

int cases_fields(void)
{
	token_cases();
	exclusive_cases();
	prog_load_cases();
	btf_cases();
	raw_tracepoint_cases();
	new_command_cases();
	return 0;
}
