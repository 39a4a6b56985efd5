/*
 * libbpf_cases: the same commands as bpf_cases, called through libbpf-dev's API as tools call them:
 * btf__load_into_kernel, bpf_obj_get_info_by_fd on BTF, bpf_btf_get_next_id / bpf_btf_get_fd_by_id,
 * bpf_prog_load with func_info and line_info, bpf_obj_pin / bpf_obj_get(_opts), bpf_prog_test_run_opts.
 * Prints one deterministic line per observation; run under the shim and against the kernel (as root),
 * the two transcripts must be equal. Exits 1 when an observation differs from the expected one.
 */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

static void expect(const char *name, long expected, long observed)
{
	printf("%s: %ld\n", name, observed);
	if (expected != observed) {
		fprintf(stderr, "UNEXPECTED %s: actual %ld vs expected %ld\n", name, observed, expected);
		failures++;
	}
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};
static const struct bpf_insn arg1[] = {
	{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = 0, .src_reg = 1, .off = 8 },
	{ .code = BPF_JMP | BPF_EXIT },
};
static const struct bpf_insn skb_len[] = {
	{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 0, .src_reg = 1, .off = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static void btf_cases(void)
{
	struct btf *btf = btf__new_empty();
	struct bpf_btf_info info;
	struct bpf_func_info finfo = { 0, 0 };
	struct bpf_line_info linfo = { 0, 0, 0, 0 };
	__u32 len = sizeof(info), id, next = 0, raw_size;
	int int_id, proto_id, func_id, fd, fd2, prog, seen = 0;
	const void *raw;

	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	proto_id = btf__add_func_proto(btf, int_id);
	func_id = btf__add_func(btf, "prog", BTF_FUNC_STATIC, proto_id);
	btf__add_str(btf, "prog.c");
	expect("api.btf.load_into_kernel", 0, btf__load_into_kernel(btf));
	fd = btf__fd(btf);
	expect("api.btf.fd", 3, fd);
	raw = btf__raw_data(btf, &raw_size);
	memset(&info, 0, sizeof(info));
	expect("api.btf.get_info", 0, bpf_obj_get_info_by_fd(fd, &info, &len));
	expect("api.btf.info.btf_size_is_raw_size", 1, raw && info.btf_size == raw_size);
	expect("api.btf.info.kernel_btf", 0, info.kernel_btf);
	id = info.id;
	while (bpf_btf_get_next_id(next, &next) == 0)
		if (next == id)
			seen = 1;
	expect("api.btf.next_id.finds_it", 1, seen);
	fd2 = bpf_btf_get_fd_by_id(id);
	expect("api.btf.fd_by_id", 4, fd2);
	close(fd2);

	finfo.type_id = func_id;
	linfo.file_name_off = btf__find_str(btf, "prog.c");
	linfo.line_off = linfo.file_name_off;
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_btf_fd = fd, .func_info = &finfo, .func_info_cnt = 1,
		    .func_info_rec_size = sizeof(finfo), .line_info = &linfo, .line_info_cnt = 1,
		    .line_info_rec_size = sizeof(linfo));
	prog = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "with_btf", "GPL", ret0, 2, &opts);
	expect("api.prog_load.with_func_and_line_info", 4, prog);
	close(prog);
	finfo.type_id = int_id;
	prog = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "with_btf", "GPL", ret0, 2, &opts);
	expect("api.prog_load.func_info_not_a_func", -EINVAL, prog < 0 ? -errno : prog);
	btf__free(btf);
}

static void pin_cases(void)
{
	char path[128];
	int prog, got;
	struct bpf_prog_info a, b;
	__u32 la = sizeof(a), lb = sizeof(b);

	snprintf(path, sizeof(path), "/sys/fs/bpf/bpftime_api_%d", getpid());
	prog = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "pinned", "GPL", ret0, 2, NULL);
	expect("api.pin.load", 3, prog);
	expect("api.pin", 0, bpf_obj_pin(prog, path));
	expect("api.pin.again", -EEXIST, bpf_obj_pin(prog, path) < 0 ? -errno : 0);
	got = bpf_obj_get(path);
	expect("api.get", 4, got);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	bpf_obj_get_info_by_fd(prog, &a, &la);
	bpf_obj_get_info_by_fd(got, &b, &lb);
	expect("api.get.same_id", 1, a.id == b.id);
	close(got);
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	got = bpf_obj_get_opts(path, &ro);
	expect("api.get.rdonly", 4, got);
	close(got);
	got = bpf_obj_get("/sys/fs/bpf/bpftime_api_none");
	expect("api.get.missing", -ENOENT, got < 0 ? -errno : got);
	close(prog);
	unlink(path);
}

static void test_run_cases(void)
{
	unsigned long long args[2] = { 1, 99 };
	unsigned char packet[60] = { 0 }, out[60];
	int prog;

	prog = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "raw", "GPL", arg1, 2, NULL);
	LIBBPF_OPTS(bpf_test_run_opts, raw, .ctx_in = args, .ctx_size_in = sizeof(args));
	expect("api.test_run.raw_tp", 0, bpf_prog_test_run_opts(prog, &raw));
	expect("api.test_run.raw_tp.retval", 99, raw.retval);
	close(prog);
	prog = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "skb", "GPL", skb_len, 2, NULL);
	LIBBPF_OPTS(bpf_test_run_opts, skb, .data_in = packet, .data_size_in = sizeof(packet), .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 10);
	expect("api.test_run.skb", 0, bpf_prog_test_run_opts(prog, &skb));
	expect("api.test_run.skb.retval", 46, skb.retval);
	expect("api.test_run.skb.data_size_out", 60, skb.data_size_out);
	skb.data_size_out = 10;
	expect("api.test_run.skb.short_out", -ENOSPC, bpf_prog_test_run_opts(prog, &skb) < 0 ? -errno : 0);
	close(prog);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(silent);
	btf_cases();
	pin_cases();
	test_run_cases();
	return failures ? 1 : 0;
}
