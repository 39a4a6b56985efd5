/*
 * BPF_PROG_TEST_RUN (kernel/bpf/syscall.c bpf_prog_test_run, net/bpf/test_run.c): the generic checks
 * (ctx pointer and size together, EBADF / EINVAL for the fd), raw tracepoints (bpf_prog_test_run_raw_tp:
 * ctx as the u64 arguments, no data/repeat/duration), socket filters (bpf_prog_test_run_skb: the packet,
 * data_out and its ENOSPC, repeat, a __sk_buff ctx in and out) and ENOTSUPP for kprobe and tracepoint
 * programs, which have no test_run.
 */
#include "bpf_case.h"

#include <sys/mman.h>

/* r0 = *(u64 *)(r1 + 8); exit: the second raw tracepoint argument */
static struct bpf_insn prog_arg1[] = {
	{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = 0, .src_reg = 1, .off = 8 },
	{ .code = BPF_JMP | BPF_EXIT },
};
/* r0 = 7; exit */
static struct bpf_insn prog_ret7[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 7 },
	{ .code = BPF_JMP | BPF_EXIT },
};
/* r0 = skb->len; exit */
static struct bpf_insn prog_len[] = {
	{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 0, .src_reg = 1, .off = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};
/* r0 = skb->mark; exit */
static struct bpf_insn prog_mark[] = {
	{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 0, .src_reg = 1, .off = 8 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static long load_typed(unsigned type, const struct bpf_insn *insns, unsigned cnt)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = cnt;
	attr.license = (uintptr_t)"GPL";
	return sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

static long test_run(union bpf_attr *attr)
{
	return sys_bpf(BPF_PROG_TEST_RUN, attr, sizeof(*attr));
}

static void raw_tp(void)
{
	unsigned long long args[13] = { 5, 42 };
	union bpf_attr attr;
	long fd, fd7, r;

	fd = load_typed(BPF_PROG_TYPE_RAW_TRACEPOINT, prog_arg1, 2);
	expect_ret("testrun.raw_tp.load", 3, 0, fd, errno);
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.ctx_in = (uintptr_t)args;
	attr.test.ctx_size_in = 16;
	r = test_run(&attr);
	expect_ret("testrun.raw_tp", 0, 0, r, errno);
	expect_long("testrun.raw_tp.retval", 42, attr.test.retval);

	attr.test.repeat = 2;
	r = test_run(&attr);
	expect_ret("testrun.raw_tp.repeat", -1, EINVAL, r, errno);
	attr.test.repeat = 0;
	attr.test.data_in = (uintptr_t)args;
	attr.test.data_size_in = 16;
	r = test_run(&attr);
	expect_ret("testrun.raw_tp.data_in", -1, EINVAL, r, errno);
	attr.test.data_in = 0;
	attr.test.data_size_in = 0;
	attr.test.ctx_out = (uintptr_t)args;
	attr.test.ctx_size_out = 16;
	r = test_run(&attr);
	expect_ret("testrun.raw_tp.ctx_out", -1, EINVAL, r, errno);
	attr.test.ctx_out = 0;
	attr.test.ctx_size_out = 0;
	attr.test.ctx_size_in = sizeof(args);
	r = test_run(&attr);
	expect_ret("testrun.raw_tp.ctx_too_big", -1, EINVAL, r, errno);
	attr.test.ctx_size_in = 16;
	attr.test.cpu = 1;
	r = test_run(&attr);
	expect_ret("testrun.raw_tp.cpu_without_flag", -1, EINVAL, r, errno);
	attr.test.flags = BPF_F_TEST_RUN_ON_CPU;
	attr.test.cpu = 0;
	r = test_run(&attr);
	expect_ret("testrun.raw_tp.on_cpu0", 0, 0, r, errno);
	attr.test.cpu = 100000;
	r = test_run(&attr);
	expect_ret("testrun.raw_tp.on_missing_cpu", -1, ENXIO, r, errno);
	attr.test.flags = 0;
	attr.test.cpu = 0;
	attr.test.ctx_in = (uintptr_t)page_before_hole() + page_size() - 8;
	r = test_run(&attr);
	expect_ret("testrun.raw_tp.ctx_into_hole", -1, EFAULT, r, errno);
	attr.test.ctx_in = 0;
	r = test_run(&attr);
	expect_ret("testrun.ctx_size_without_ctx", -1, EINVAL, r, errno);
	attr.test.ctx_size_in = 0;
	attr.test.ctx_in = (uintptr_t)args;
	r = test_run(&attr);
	expect_ret("testrun.ctx_without_size", -1, EINVAL, r, errno);

	fd7 = load_typed(BPF_PROG_TYPE_RAW_TRACEPOINT, prog_ret7, 2);
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd7;
	attr.test.retval = 99;
	r = test_run(&attr);
	expect_ret("testrun.raw_tp.no_ctx", 0, 0, r, errno);
	expect_long("testrun.raw_tp.no_ctx.retval", 7, attr.test.retval);
	close((int)fd7);
	close((int)fd);
}

static void socket_filter(void)
{
	unsigned char packet[64], out[128];
	struct __sk_buff ctx, ctx_out;
	union bpf_attr attr;
	long fd, fdm, r;
	int i;
	void *ro;

	for (i = 0; i < (int)sizeof(packet); i++)
		packet[i] = (unsigned char)i;
	packet[12] = 0x08;
	packet[13] = 0x00;
	fd = load_typed(BPF_PROG_TYPE_SOCKET_FILTER, prog_len, 2);
	expect_ret("testrun.skb.load", 3, 0, fd, errno);
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = (uintptr_t)packet;
	attr.test.data_size_in = sizeof(packet);
	memset(out, 0xee, sizeof(out));
	attr.test.data_out = (uintptr_t)out;
	attr.test.data_size_out = sizeof(out);
	r = test_run(&attr);
	expect_ret("testrun.skb", 0, 0, r, errno);
	expect_long("testrun.skb.retval_is_len_without_eth", 50, attr.test.retval);
	expect_long("testrun.skb.data_size_out", 64, attr.test.data_size_out);
	/* the kernel zeroes the Ethernet header it pushed back (bpf_prog_test_run_skb, !is_l2) */
	expect_long("testrun.skb.data_out_eth_zeroed", 0, out[0] | out[6] | out[13]);
	expect_long("testrun.skb.data_out_is_payload", 0, memcmp(out + 14, packet + 14, sizeof(packet) - 14));
	expect_long("testrun.skb.data_out_rest_untouched", 0xee, out[64]);
	expect_long("testrun.skb.duration_below_a_second", 1, attr.test.duration < 1000000000u);

	attr.test.repeat = 1000;
	r = test_run(&attr);
	expect_ret("testrun.skb.repeat", 0, 0, r, errno);
	expect_long("testrun.skb.repeat.retval", 50, attr.test.retval);
	attr.test.repeat = 0;

	attr.test.data_size_out = 20;
	attr.test.retval = 0;
	memset(out, 0xee, sizeof(out));
	r = test_run(&attr);
	expect_ret("testrun.skb.short_data_out", -1, ENOSPC, r, errno);
	expect_long("testrun.skb.short_data_out.size", 64, attr.test.data_size_out);
	expect_long("testrun.skb.short_data_out.retval", 50, attr.test.retval);
	expect_long("testrun.skb.short_data_out.cut", 0xee, out[20]);
	attr.test.data_size_out = 0;
	memset(out, 0xee, sizeof(out));
	r = test_run(&attr);
	expect_ret("testrun.skb.no_size_hint", 0, 0, r, errno);
	expect_long("testrun.skb.no_size_hint.copied", 0, memcmp(out + 14, packet + 14, sizeof(packet) - 14));

	ro = mmap(NULL, page_size(), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	attr.test.data_out = (uintptr_t)ro;
	attr.test.data_size_out = sizeof(packet);
	r = test_run(&attr);
	expect_ret("testrun.skb.data_out_read_only", -1, EFAULT, r, errno);
	munmap(ro, page_size());
	attr.test.data_out = 0;
	attr.test.data_size_out = 0;

	attr.test.data_size_in = 10;
	r = test_run(&attr);
	expect_ret("testrun.skb.shorter_than_eth", -1, EINVAL, r, errno);
	attr.test.data_size_in = sizeof(packet);
	attr.test.data_in = 0;
	r = test_run(&attr);
	expect_ret("testrun.skb.no_data", -1, EFAULT, r, errno);
	attr.test.data_in = (uintptr_t)page_before_hole() + page_size() - 32;
	r = test_run(&attr);
	expect_ret("testrun.skb.data_into_hole", -1, EFAULT, r, errno);
	attr.test.data_in = (uintptr_t)packet;
	attr.test.flags = 1;
	r = test_run(&attr);
	expect_ret("testrun.skb.unknown_flag", -1, EINVAL, r, errno);
	attr.test.flags = 0;

	fdm = load_typed(BPF_PROG_TYPE_SOCKET_FILTER, prog_mark, 2);
	attr.test.prog_fd = fdm;
	memset(&ctx, 0, sizeof(ctx));
	ctx.mark = 77;
	ctx.cb[2] = 5;
	attr.test.ctx_in = (uintptr_t)&ctx;
	attr.test.ctx_size_in = sizeof(ctx);
	memset(&ctx_out, 0xee, sizeof(ctx_out));
	attr.test.ctx_out = (uintptr_t)&ctx_out;
	attr.test.ctx_size_out = sizeof(ctx_out);
	r = test_run(&attr);
	expect_ret("testrun.skb.ctx", 0, 0, r, errno);
	expect_long("testrun.skb.ctx.retval_is_mark", 77, attr.test.retval);
	expect_long("testrun.skb.ctx.ctx_size_out", sizeof(ctx), attr.test.ctx_size_out);
	expect_long("testrun.skb.ctx.out_mark", 77, ctx_out.mark);
	expect_long("testrun.skb.ctx.out_cb2", 5, ctx_out.cb[2]);
	expect_long("testrun.skb.ctx.out_len_not_given", 0, ctx_out.len);
	observe("testrun.skb.ctx.out_ifindex", "%u", ctx_out.ifindex);
	observe("testrun.skb.ctx.out_wire_len", "%u", ctx_out.wire_len);
	attr.test.ctx_size_out = 8;
	r = test_run(&attr);
	expect_ret("testrun.skb.ctx.short_ctx_out", -1, ENOSPC, r, errno);
	expect_long("testrun.skb.ctx.short_ctx_out.size", sizeof(ctx), attr.test.ctx_size_out);
	attr.test.ctx_out = 0;
	attr.test.ctx_size_out = 0;
	ctx.len = 3;
	r = test_run(&attr);
	expect_ret("testrun.skb.ctx.len_set", -1, EINVAL, r, errno);
	ctx.len = 0;
	{
		unsigned char big[sizeof(ctx) + 8];

		memset(big, 0, sizeof(big));
		memcpy(big, &ctx, sizeof(ctx));
		big[sizeof(ctx) + 3] = 1;
		attr.test.ctx_in = (uintptr_t)big;
		attr.test.ctx_size_in = sizeof(big);
		r = test_run(&attr);
		expect_ret("testrun.skb.ctx.nonzero_tail", -1, E2BIG, r, errno);
		big[sizeof(ctx) + 3] = 0;
		r = test_run(&attr);
		expect_ret("testrun.skb.ctx.zero_tail", 0, 0, r, errno);
	}
	close((int)fdm);
	close((int)fd);
}

int cases_testrun(void)
{
	union bpf_attr attr;
	unsigned char blob[256];
	int pipefd[2];
	long fd, r;

	raw_tp();
	socket_filter();

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = 999;
	r = test_run(&attr);
	expect_ret("testrun.bad_fd", -1, EBADF, r, errno);
	pipe(pipefd);
	attr.test.prog_fd = pipefd[0];
	r = test_run(&attr);
	expect_ret("testrun.pipe_fd", -1, EINVAL, r, errno);
	close(pipefd[0]);
	close(pipefd[1]);
	fd = load_btf(blob, btf_blob(blob, sizeof(blob)), NULL, 0, 0, NULL);
	attr.test.prog_fd = fd;
	r = test_run(&attr);
	expect_ret("testrun.btf_fd", -1, EINVAL, r, errno);
	close((int)fd);

	fd = load_typed(BPF_PROG_TYPE_KPROBE, prog_ret7, 2);
	expect_ret("testrun.kprobe.load", 3, 0, fd, errno);
	attr.test.prog_fd = fd;
	r = test_run(&attr);
	expect_ret("testrun.kprobe", -1, 524, r, errno);
	close((int)fd);
	fd = load_typed(BPF_PROG_TYPE_TRACEPOINT, prog_ret7, 2);
	expect_ret("testrun.tracepoint.load", 3, 0, fd, errno);
	attr.test.prog_fd = fd;
	r = test_run(&attr);
	expect_ret("testrun.tracepoint", -1, 524, r, errno);
	close((int)fd);
	return 0;
}
