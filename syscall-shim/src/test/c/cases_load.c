/*
 * BPF_PROG_LOAD (kernel/bpf/syscall.c bpf_prog_load, kernel/bpf/verifier.c bpf_check): the order of
 * the checks decides the errno of a call with several faults; structural refusals log the kernel's
 * message, here compared verbatim.
 */
#include "bpf_case.h"

#include <fcntl.h>

static void load_expect(const char *name, union bpf_attr *attr, int expected_errno)
{
	long r = sys_bpf(BPF_PROG_LOAD, attr, sizeof(*attr));
	int e = errno;
	expect_ret(name, r >= 0 ? r : 0, expected_errno, r, e);
	if (r >= 0)
		close((int)r);
}

static void base(union bpf_attr *attr, const struct bpf_insn *insns, unsigned cnt)
{
	memset(attr, 0, sizeof(*attr));
	attr->prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr->insns = (uintptr_t)insns;
	attr->insn_cnt = cnt;
	attr->license = (uintptr_t)"GPL";
}

/* A refused program: its errno and its whole log, which must be the kernel's words. */
static void refused(const char *name, const struct bpf_insn *insns, unsigned cnt, int expected_errno)
{
	char log[1024], line[256];
	union bpf_attr attr;
	long r;
	int e;

	base(&attr, insns, cnt);
	memset(log, 'x', sizeof(log));
	attr.log_level = 1;
	attr.log_buf = (uintptr_t)log;
	attr.log_size = sizeof(log);
	r = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	e = errno;
	snprintf(line, sizeof(line), "%s.errno", name);
	expect_ret(line, 0, expected_errno, r, e);
	if (r >= 0)
		close((int)r);
	for (char *s = log, *nl; (nl = memchr(s, '\n', log + sizeof(log) - s)); s = nl + 1) {
		*nl = '\0';
		snprintf(line, sizeof(line), "%s.log", name);
		observe(line, "%s", s);
	}
}

int cases_load(void)
{
	struct bpf_insn jump_out[] = { { .code = BPF_JMP | BPF_JA, .off = 5 }, { .code = BPF_JMP | BPF_EXIT } };
	struct bpf_insn no_exit[] = { { .code = BPF_ALU64 | BPF_MOV | BPF_K } };
	struct bpf_insn bad_opcode[] = { { .code = 0xb7 }, { .code = 0xff }, { .code = 0x95 } };
	struct bpf_insn unreachable[] = { { .code = 0xb7 }, { .code = 0x95 }, { .code = 0xb7 }, { .code = 0x95 } };
	struct bpf_insn half_lddw[] = { { .code = 0xb7 }, { .code = 0x18, .imm = 1 }, { .code = 0x95 } };
	struct bpf_insn into_lddw[] = {
		{ .code = 0x18, .imm = 1 }, { .code = 0 }, { .code = 0x15, .dst_reg = 0, .off = -2 }, { .code = 0x95 },
	};
	struct bpf_insn bad_call[] = { { .code = 0x85, .src_reg = 1, .imm = 50 }, { .code = 0x95 } };
	struct bpf_insn ldx_reserved[] = { { .code = 0x61, .src_reg = 1, .imm = 3 }, { .code = 0x95 } };
	struct bpf_insn map_fd_closed[] = { { .code = 0x18, .src_reg = 1, .imm = 900 }, { .code = 0 }, { .code = 0xb7 },
					    { .code = 0x95 } };
	struct bpf_insn map_fd_file[] = { { .code = 0x18, .src_reg = 1, .imm = 0 }, { .code = 0 }, { .code = 0xb7 },
					  { .code = 0x95 } };
	struct bpf_insn unknown_ld_src[] = { { .code = 0x18, .src_reg = 9 }, { .code = 0 }, { .code = 0x95 } };
	struct bpf_insn back_jump[] = { { .code = 0xb7 }, { .code = 0x07, .imm = 1 },
					{ .code = 0x25, .dst_reg = 0, .imm = 10, .off = 1 }, { .code = 0x05, .off = -3 },
					{ .code = 0x95 } };
	union bpf_attr attr;
	long a, b, c;

	/* fd numbers: lowest free, as anon_inode_getfd gives. */
	a = load_prog(prog_ret0, 2, NULL, NULL);
	expect_ret("load.first_fd", 3, 0, a, errno);
	b = load_prog(prog_ret0, 2, NULL, NULL);
	expect_ret("load.second_fd", 4, 0, b, errno);
	close((int)a);
	c = load_prog(prog_lddw, 4, NULL, NULL);
	expect_ret("load.reuses_lowest_fd", 3, 0, c, errno);
	expect_long("load.cloexec", FD_CLOEXEC, fcntl((int)c, F_GETFD));
	expect_long("load.access_mode", O_RDWR, fcntl((int)c, F_GETFL) & O_ACCMODE);
	close((int)b);
	close((int)c);

	base(&attr, prog_ret0, 2);
	attr.prog_type = BPF_PROG_TYPE_KPROBE;
	load_expect("load.kprobe_type", &attr, 0);
	base(&attr, prog_ret0, 2);
	attr.prog_type = BPF_PROG_TYPE_TRACEPOINT;
	load_expect("load.tracepoint_type", &attr, 0);
	base(&attr, prog_ret0, 2);
	attr.prog_type = 9999;
	load_expect("load.unknown_type", &attr, EINVAL);
	base(&attr, prog_ret0, 0);
	load_expect("load.insn_cnt_0", &attr, E2BIG);
	base(&attr, prog_ret0, 1000001);
	load_expect("load.insn_cnt_over_limit", &attr, E2BIG);
	base(&attr, NULL, 2);
	load_expect("load.insns_null", &attr, EFAULT);
	base(&attr, prog_ret0, 2);
	attr.license = 0;
	load_expect("load.license_null", &attr, EFAULT);
	base(&attr, prog_ret0, 2);
	attr.prog_flags = 1u << 30;
	load_expect("load.unknown_flag", &attr, EINVAL);
	/* Order: the flags come before the instruction count and the pointers. */
	base(&attr, NULL, 0);
	attr.prog_flags = 1u << 30;
	load_expect("load.flag_before_count", &attr, EINVAL);
	base(&attr, NULL, 0);
	load_expect("load.count_before_insns", &attr, E2BIG);
	base(&attr, NULL, 2);
	attr.prog_type = 9999;
	load_expect("load.insns_before_type", &attr, EFAULT);

	base(&attr, prog_ret0, 2);
	strcpy(attr.prog_name, "good_name.1");
	load_expect("load.name_ok", &attr, 0);
	base(&attr, prog_ret0, 2);
	strcpy(attr.prog_name, "bad-name");
	load_expect("load.name_dash", &attr, EINVAL);
	base(&attr, prog_ret0, 2);
	memset(attr.prog_name, 'a', sizeof(attr.prog_name));
	load_expect("load.name_no_nul", &attr, EINVAL);

	refused("load.jump_out_of_range", jump_out, 2, EINVAL);
	refused("load.last_insn_not_exit", no_exit, 1, EINVAL);
	refused("load.unknown_opcode", bad_opcode, 3, EINVAL);
	refused("load.unreachable", unreachable, 4, EINVAL);
	refused("load.lddw_half", half_lddw, 3, EINVAL);
	refused("load.into_lddw", into_lddw, 4, EINVAL);
	refused("load.call_out_of_range", bad_call, 2, EINVAL);
	refused("load.ldx_reserved", ldx_reserved, 2, EINVAL);
	refused("load.lddw_unknown_src", unknown_ld_src, 3, EINVAL);
	refused("load.map_fd_not_open", map_fd_closed, 4, EBADF);
	refused("load.map_fd_not_a_map", map_fd_file, 4, EINVAL);

	base(&attr, back_jump, 5);
	load_expect("load.bounded_loop", &attr, 0);
	return 0;
}
