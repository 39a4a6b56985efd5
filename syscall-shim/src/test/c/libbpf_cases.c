/*
 * libbpf_cases [GROUP...]: the commands of bpf_cases called through libbpf-dev's (1.1) API as tools
 * call them, one group per area (all groups without an argument):
 *   btf      btf__load_into_kernel, bpf_btf_load with a log, BTF info, ids and fds, func/line info
 *   pin      bpf_obj_pin / bpf_obj_get(_opts) of programs, maps and links; BTF cannot be pinned
 *   testrun  bpf_prog_test_run_opts on raw tracepoint and socket filter programs
 *   prog     bpf_prog_load with log buffers: libbpf's level-0 retry, a tool's ENOSPC retry loop
 *   info     bpf_obj_get_info_by_fd for each object kind, short and long info sizes
 *   ids      PROG/MAP/BTF/LINK_GET_NEXT_ID and _GET_FD_BY_ID (with open flags)
 *   link     bpf_link_create (perf event), bpf_link_update, bpf_link_detach, bpf_raw_tracepoint_open
 *   bind     bpf_prog_bind_map
 *   maps     what libbpf_maps leaves out: the _flags variants, freeze twice, read-only fds
 * Prints one deterministic line per observation; run under the shim and against the kernel (as root),
 * the two transcripts must be equal (libbpf-compat's LibbpfApiTest). Lines printed with note() carry
 * no expectation of their own: the kernel's transcript decides. Exits 1 when an expectation fails.
 */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
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

/* libbpf's convention: a negative return is -errno (or -1 with errno set, by LIBBPF 1.x: both hold). */
static long result(long r)
{
	return r < 0 ? -errno : r;
}

static void note(const char *name, long observed)
{
	printf("%s: %ld\n", name, observed);
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


/* r0 = 1; if r0 > 0 goto +5 (out of range, refused by the checks the kernel makes first); exit */
static const struct bpf_insn jump_out[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 1 },
	{ .code = BPF_JMP | BPF_JGT | BPF_K, .dst_reg = 0, .off = 5, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

/* The log's last non-empty line, as tools print it (without its newline). */
static const char *last_line(const char *log)
{
	static char line[256];
	size_t n = strlen(log), end;

	while (n > 0 && log[n - 1] == '\n')
		n--;
	end = n;
	while (n > 0 && log[n - 1] != '\n')
		n--;
	snprintf(line, sizeof(line), "%.*s", (int)(end - n), log + n);
	return line;
}

static void prog_cases(void)
{
	char small[16], *log = NULL;
	unsigned size = 8, rounds = 0;
	int fd;

	/* libbpf 1.1 bpf_prog_load: with a log buffer but log_level 0 it loads without a log first and,
	 * on failure, loads again with log_level 1 so that the buffer explains the refusal. */
	char buf[4096] = "";
	LIBBPF_OPTS(bpf_prog_load_opts, level0, .log_buf = buf, .log_size = sizeof(buf));
	fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "refused", "GPL", jump_out, 3, &level0);
	expect("api.prog_load.refused", -EINVAL, result(fd));
	expect("api.prog_load.level0_retry_filled_the_log", 1, buf[0] != '\0');
	printf("api.prog_load.level0_retry.last_line: %s\n", last_line(buf));

	/* A tool's retry: grow the buffer while the kernel says ENOSPC (libbpf's bpf_object_load_prog does so). */
	do {
		free(log);
		log = calloc(1, size);
		LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = size, .log_level = 1);
		fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "refused", "GPL", jump_out, 3, &o);
		rounds++;
		size *= 2;
	} while (fd < 0 && errno == ENOSPC && rounds < 20);
	expect("api.prog_load.enospc_retry.final", -EINVAL, result(fd));
	note("api.prog_load.enospc_retry.rounds", rounds);
	printf("api.prog_load.enospc_retry.last_line: %s\n", last_line(log));
	free(log);

	LIBBPF_OPTS(bpf_prog_load_opts, tiny, .log_buf = small, .log_size = sizeof(small), .log_level = 1);
	fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "fits", "GPL", ret0, 2, &tiny);
	expect("api.prog_load.success_with_short_log", -ENOSPC, result(fd));
	LIBBPF_OPTS(bpf_prog_load_opts, nolevel, .log_level = 1);
	fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "nobuf", "GPL", ret0, 2, &nolevel);
	expect("api.prog_load.level_without_buffer", -EINVAL, result(fd));
	fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "ok", "GPL", ret0, 2, NULL);
	expect("api.prog_load.ok", 3, fd);
	close(fd);
	fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "noinsns", "GPL", ret0, 0, NULL);
	expect("api.prog_load.no_insns", -E2BIG, result(fd));
	fd = bpf_prog_load((enum bpf_prog_type)1000, "badtype", "GPL", ret0, 2, NULL);
	expect("api.prog_load.unknown_type", -EINVAL, result(fd));
}

static int tracepoint_event(const char *name)
{
	char path[256];
	struct perf_event_attr pe;
	long id = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/syscalls/%s/id", name);
	f = fopen(path, "re");
	if (!f || fscanf(f, "%ld", &id) != 1)
		id = -1;
	if (f)
		fclose(f);
	memset(&pe, 0, sizeof(pe));
	pe.type = PERF_TYPE_TRACEPOINT;
	pe.size = sizeof(pe);
	pe.config = (unsigned long long)id;
	return (int)syscall(__NR_perf_event_open, &pe, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

static __u32 id_of(int fd)
{
	/* Every info struct starts with type and id (bpf_prog_info has type, id; map/btf/link: id second
	 * or first): read the kind's own struct. */
	struct bpf_link_info li;
	__u32 len = sizeof(li);

	memset(&li, 0, sizeof(li));
	return bpf_obj_get_info_by_fd(fd, &li, &len) == 0 ? li.id : 0;
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info pi;
	__u32 len = sizeof(pi);

	memset(&pi, 0, sizeof(pi));
	return bpf_obj_get_info_by_fd(fd, &pi, &len) == 0 ? pi.id : 0;
}

static __u32 map_id(int fd)
{
	struct bpf_map_info mi;
	__u32 len = sizeof(mi);

	memset(&mi, 0, sizeof(mi));
	return bpf_obj_get_info_by_fd(fd, &mi, &len) == 0 ? mi.id : 0;
}

static void info_cases(void)
{
	struct bpf_prog_info pi;
	struct bpf_map_info mi;
	unsigned char big[sizeof(struct bpf_prog_info) + 16];
	__u32 len;
	int prog, map;

	prog = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "info_prog", "GPL", ret0, 2, NULL);
	memset(&pi, 0, sizeof(pi));
	len = sizeof(pi);
	expect("api.info.prog", 0, result(bpf_obj_get_info_by_fd(prog, &pi, &len)));
	expect("api.info.prog.len", sizeof(pi), len);
	expect("api.info.prog.type", BPF_PROG_TYPE_SOCKET_FILTER, pi.type);
	expect("api.info.prog.name", 0, strcmp(pi.name, "info_prog"));
	expect("api.info.prog.xlated_len", 16, pi.xlated_prog_len);
	expect("api.info.prog.jited", 1, pi.jited_prog_len > 0);
	expect("api.info.prog.nr_map_ids", 0, pi.nr_map_ids);
	{
		/* The JIT's code, copied as bpftool prog dump jited asks: the length the first call gave,
		 * a function length equal to it, and code (not the zeroes the buffer held). */
		__u32 jited_len = pi.jited_prog_len, func_len = 0;
		unsigned char *code = calloc(1, jited_len + 1);
		__u64 ksym = 1;

		memset(&pi, 0, sizeof(pi));
		pi.jited_prog_len = jited_len;
		pi.jited_prog_insns = (__u64)(unsigned long)code;
		pi.nr_jited_func_lens = 1;
		pi.jited_func_lens = (__u64)(unsigned long)&func_len;
		pi.nr_jited_ksyms = 1;
		pi.jited_ksyms = (__u64)(unsigned long)&ksym;
		len = sizeof(pi);
		expect("api.info.prog.jited_insns", 0, result(bpf_obj_get_info_by_fd(prog, &pi, &len)));
		expect("api.info.prog.jited_insns.len", 1, pi.jited_prog_len == jited_len);
		expect("api.info.prog.jited_insns.func_len", 1, func_len == jited_len);
		int written = 0;
		for (__u32 i = 0; i < jited_len; i++)
			written |= code[i] != 0;
		expect("api.info.prog.jited_insns.written", 1, written);
		free(code);
	}
	/* A short struct: only what fits is written and info_len says so. */
	memset(&pi, 0, sizeof(pi));
	len = 8;
	expect("api.info.prog.short", 0, result(bpf_obj_get_info_by_fd(prog, &pi, &len)));
	expect("api.info.prog.short.len", 8, len);
	expect("api.info.prog.short.type", BPF_PROG_TYPE_SOCKET_FILTER, pi.type);
	expect("api.info.prog.short.no_name", 0, pi.name[0]);
	/* A longer struct: its tail must be zero (E2BIG otherwise) and info_len is cut to the kernel's size. */
	memset(big, 0, sizeof(big));
	len = sizeof(big);
	expect("api.info.prog.long_zero_tail", 0, result(bpf_obj_get_info_by_fd(prog, big, &len)));
	expect("api.info.prog.long_zero_tail.len_is_kernels", 1, len <= sizeof(struct bpf_prog_info));
	big[sizeof(big) - 1] = 1;
	len = sizeof(big);
	expect("api.info.prog.long_nonzero_tail", -E2BIG, result(bpf_obj_get_info_by_fd(prog, big, &len)));

	map = bpf_map_create(BPF_MAP_TYPE_HASH, "info_map", 4, 8, 16, NULL);
	memset(&mi, 0, sizeof(mi));
	len = sizeof(mi);
	expect("api.info.map", 0, result(bpf_obj_get_info_by_fd(map, &mi, &len)));
	expect("api.info.map.len", sizeof(mi), len);
	expect("api.info.map.type", BPF_MAP_TYPE_HASH, mi.type);
	expect("api.info.map.key_size", 4, mi.key_size);
	expect("api.info.map.value_size", 8, mi.value_size);
	expect("api.info.map.max_entries", 16, mi.max_entries);
	expect("api.info.map.name", 0, strcmp(mi.name, "info_map"));
	expect("api.info.map.id_differs_from_prog", 1, mi.id != prog_id(prog));
	/* The wrong struct for the kind is no error: the kernel fills by the fd's kind. */
	memset(&pi, 0, sizeof(pi));
	len = sizeof(pi);
	expect("api.info.map_into_prog_struct", 0, result(bpf_obj_get_info_by_fd(map, &pi, &len)));
	/* min(the caller's size, the kernel's bpf_map_info): the running kernel's may be longer than the header's. */
	note("api.info.map_into_prog_struct.len", len);
	len = sizeof(mi);
	/* bpf_obj_get_info_by_fd: EBADFD (not EBADF) for a descriptor that is not open. */
	expect("api.info.bad_fd", -EBADFD, result(bpf_obj_get_info_by_fd(1000, &mi, &len)));
	expect("api.info.not_bpf", -EINVAL, result(bpf_obj_get_info_by_fd(0, &mi, &len)));
	close(map);
	close(prog);
}

static int walk_finds(int (*next)(__u32, __u32 *), __u32 want)
{
	__u32 id = 0;

	while (next(id, &id) == 0)
		if (id == want)
			return 1;
	return 0;
}

/*
 * Whether the id is still walked after up to 2 s: the kernel frees a link's program and a program's
 * maps after an RCU grace period (bpf_link_free's dealloc_deferred, __bpf_prog_put_noref), so the
 * last reference's close returns before the id goes.
 */
static int gone_soon(int (*next)(__u32, __u32 *), __u32 want)
{
	for (int i = 0; i < 200 && walk_finds(next, want); i++)
		usleep(10000);
	return walk_finds(next, want);
}

static void ids_cases(void)
{
	int prog, map, btf_fd, fd, raw;
	__u32 pid, mid, bid, lid;
	struct btf *btf = btf__new_empty();
	__u32 key = 0;
	__u64 value = 1;

	prog = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "ids_prog", "GPL", ret0, 2, NULL);
	map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ids_map", 4, 8, 1, NULL);
	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	btf__load_into_kernel(btf);
	btf_fd = btf__fd(btf);
	raw = bpf_raw_tracepoint_open("sys_enter", prog);
	pid = prog_id(prog);
	mid = map_id(map);
	lid = id_of(raw);
	{
		struct bpf_btf_info bi;
		__u32 len = sizeof(bi);
		memset(&bi, 0, sizeof(bi));
		bpf_obj_get_info_by_fd(btf_fd, &bi, &len);
		bid = bi.id;
	}
	expect("api.ids.prog_walk", 1, walk_finds(bpf_prog_get_next_id, pid));
	expect("api.ids.map_walk", 1, walk_finds(bpf_map_get_next_id, mid));
	expect("api.ids.btf_walk", 1, walk_finds(bpf_btf_get_next_id, bid));
	expect("api.ids.link_walk", 1, walk_finds(bpf_link_get_next_id, lid));
	fd = bpf_prog_get_fd_by_id(pid);
	expect("api.ids.prog_fd", 1, fd > 0 && prog_id(fd) == pid);
	close(fd);
	fd = bpf_map_get_fd_by_id(mid);
	expect("api.ids.map_fd", 1, fd > 0 && map_id(fd) == mid);
	close(fd);
	fd = bpf_btf_get_fd_by_id(bid);
	expect("api.ids.btf_fd", 1, fd > 0);
	close(fd);
	fd = bpf_link_get_fd_by_id(lid);
	expect("api.ids.link_fd", 1, fd > 0 && id_of(fd) == lid);
	close(fd);
	LIBBPF_OPTS(bpf_get_fd_by_id_opts, rdonly, .open_flags = BPF_F_RDONLY);
	fd = bpf_map_get_fd_by_id_opts(mid, &rdonly);
	expect("api.ids.map_fd_rdonly", 1, fd > 0);
	expect("api.ids.map_fd_rdonly.update", -EPERM, result(bpf_map_update_elem(fd, &key, &value, 0)));
	expect("api.ids.map_fd_rdonly.lookup", 0, result(bpf_map_lookup_elem(fd, &key, &value)));
	close(fd);
	LIBBPF_OPTS(bpf_get_fd_by_id_opts, bad, .open_flags = 0x8000);
	expect("api.ids.map_fd_bad_flags", -EINVAL, result(bpf_map_get_fd_by_id_opts(mid, &bad)));
	expect("api.ids.prog_fd_flags", -EINVAL, result(bpf_prog_get_fd_by_id_opts(pid, &rdonly)));
	expect("api.ids.prog_missing", -ENOENT, result(bpf_prog_get_fd_by_id(0x7ffffff0)));
	expect("api.ids.map_missing", -ENOENT, result(bpf_map_get_fd_by_id(0x7ffffff0)));
	expect("api.ids.btf_missing", -ENOENT, result(bpf_btf_get_fd_by_id(0x7ffffff0)));
	expect("api.ids.link_missing", -ENOENT, result(bpf_link_get_fd_by_id(0x7ffffff0)));
	close(raw);
	expect("api.ids.link_gone_after_close", 0, gone_soon(bpf_link_get_next_id, lid));
	close(prog);
	close(map);
	btf__free(btf);
	expect("api.ids.prog_gone_after_close", 0, gone_soon(bpf_prog_get_next_id, pid));
	expect("api.ids.map_gone_after_close", 0, gone_soon(bpf_map_get_next_id, mid));
	expect("api.ids.btf_gone_after_close", 0, gone_soon(bpf_btf_get_next_id, bid));
}

static void link_cases(void)
{
	struct bpf_link_info li;
	__u32 len = sizeof(li);
	int prog, prog2, ev, link, raw, raw_prog;

	prog = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, "tp", "GPL", ret0, 2, NULL);
	prog2 = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, "tp2", "GPL", ret0, 2, NULL);
	ev = tracepoint_event("sys_enter_getppid");
	expect("api.link.perf_event_open", 5, ev);
	link = bpf_link_create(prog, ev, BPF_PERF_EVENT, NULL);
	expect("api.link.create", 6, link);
	memset(&li, 0, sizeof(li));
	expect("api.link.info", 0, result(bpf_obj_get_info_by_fd(link, &li, &len)));
	expect("api.link.info.type", BPF_LINK_TYPE_PERF_EVENT, li.type);
	expect("api.link.info.prog_id", 1, li.prog_id == prog_id(prog));
	expect("api.link.create_again_busy", -EEXIST, result(bpf_link_create(prog2, ev, BPF_PERF_EVENT, NULL)));
	note("api.link.update", result(bpf_link_update(link, prog2, NULL)));
	note("api.link.detach", result(bpf_link_detach(link)));
	expect("api.link.create_bad_target", -EBADF, result(bpf_link_create(prog, 1000, BPF_PERF_EVENT, NULL)));
	/* BPF_PERF_EVENT: the target must be a perf event file (perf_event_get): EBADF otherwise. */
	expect("api.link.create_prog_as_target", -EBADF, result(bpf_link_create(prog, prog2, BPF_PERF_EVENT, NULL)));
	expect("api.link.update_bad_link", -EBADF, result(bpf_link_update(1000, prog2, NULL)));
	expect("api.link.update_prog_as_link", -EINVAL, result(bpf_link_update(prog, prog2, NULL)));
	expect("api.link.detach_prog_as_link", -EINVAL, result(bpf_link_detach(prog)));
	close(link);
	close(ev);

	raw_prog = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "raw", "GPL", ret0, 2, NULL);
	raw = bpf_raw_tracepoint_open("sys_enter", raw_prog);
	expect("api.raw_tp.open", 6, raw);
	memset(&li, 0, sizeof(li));
	len = sizeof(li);
	expect("api.raw_tp.info", 0, result(bpf_obj_get_info_by_fd(raw, &li, &len)));
	expect("api.raw_tp.info.type", BPF_LINK_TYPE_RAW_TRACEPOINT, li.type);
	note("api.raw_tp.detach", result(bpf_link_detach(raw)));
	note("api.raw_tp.update", result(bpf_link_update(raw, raw_prog, NULL)));
	expect("api.raw_tp.unknown", -ENOENT, result(bpf_raw_tracepoint_open("no_such_tracepoint_xyz", raw_prog)));
	expect("api.raw_tp.wrong_prog_type", -EINVAL, result(bpf_raw_tracepoint_open("sys_enter", prog)));
	expect("api.raw_tp.bad_prog_fd", -EBADF, result(bpf_raw_tracepoint_open("sys_enter", 1000)));
	close(raw);
	close(raw_prog);
	close(prog2);
	close(prog);
}

static void bind_cases(void)
{
	struct bpf_prog_info pi;
	__u32 ids[4], len = sizeof(pi);
	int prog, map, map2;

	prog = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "bind", "GPL", ret0, 2, NULL);
	map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "bound", 4, 4, 1, NULL);
	map2 = bpf_map_create(BPF_MAP_TYPE_ARRAY, "bound2", 4, 4, 1, NULL);
	expect("api.bind", 0, result(bpf_prog_bind_map(prog, map, NULL)));
	expect("api.bind.again", 0, result(bpf_prog_bind_map(prog, map, NULL)));
	expect("api.bind.second_map", 0, result(bpf_prog_bind_map(prog, map2, NULL)));
	memset(&pi, 0, sizeof(pi));
	pi.nr_map_ids = 4;
	pi.map_ids = (__u64)(unsigned long)ids;
	expect("api.bind.info", 0, result(bpf_obj_get_info_by_fd(prog, &pi, &len)));
	expect("api.bind.info.nr_map_ids", 2, pi.nr_map_ids);
	expect("api.bind.info.first_is_map", 1, ids[0] == map_id(map));
	LIBBPF_OPTS(bpf_prog_bind_opts, flagged, .flags = 1);
	expect("api.bind.flags", -EINVAL, result(bpf_prog_bind_map(prog, map, &flagged)));
	expect("api.bind.bad_prog", -EBADF, result(bpf_prog_bind_map(1000, map, NULL)));
	expect("api.bind.bad_map", -EBADF, result(bpf_prog_bind_map(prog, 1000, NULL)));
	expect("api.bind.map_as_prog", -EINVAL, result(bpf_prog_bind_map(map, map, NULL)));
	expect("api.bind.prog_as_map", -EINVAL, result(bpf_prog_bind_map(prog, prog, NULL)));
	{
		/* The program holds the map: its id stays after the map fd is closed. */
		__u32 mid = map_id(map2);
		close(map2);
		expect("api.bind.map_held_by_prog", 1, walk_finds(bpf_map_get_next_id, mid));
		close(prog);
		expect("api.bind.map_released_with_prog", 0, gone_soon(bpf_map_get_next_id, mid));
	}
	close(map);
}

static void maps_cases(void)
{
	__u32 key = 1;
	__u64 value = 7;
	int hash, array, rd;

	hash = bpf_map_create(BPF_MAP_TYPE_HASH, "flags", 4, 8, 4, NULL);
	array = bpf_map_create(BPF_MAP_TYPE_ARRAY, "frozen", 4, 8, 4, NULL);
	bpf_map_update_elem(hash, &key, &value, BPF_ANY);
	expect("api.maps.lookup_and_delete_flags", -EINVAL,
	       result(bpf_map_lookup_and_delete_elem_flags(hash, &key, &value, BPF_F_LOCK)));
	expect("api.maps.lookup_and_delete_flags_zero", 0,
	       result(bpf_map_lookup_and_delete_elem_flags(hash, &key, &value, 0)));
	expect("api.maps.lookup_and_delete_flags_zero.value", 7, value);
	bpf_map_update_elem(hash, &key, &value, BPF_ANY);
	expect("api.maps.delete_flags", -EINVAL, result(bpf_map_delete_elem_flags(hash, &key, 1)));
	expect("api.maps.delete_flags_zero", 0, result(bpf_map_delete_elem_flags(hash, &key, 0)));
	expect("api.maps.delete_missing", -ENOENT, result(bpf_map_delete_elem(hash, &key)));
	expect("api.maps.lookup_flags_unknown", -EINVAL, result(bpf_map_lookup_elem_flags(hash, &key, &value, 0x100)));
	expect("api.maps.freeze", 0, result(bpf_map_freeze(array)));
	/* map_freeze checks write permission first, which a frozen map no longer grants. */
	expect("api.maps.freeze_twice", -EPERM, result(bpf_map_freeze(array)));
	expect("api.maps.frozen_update", -EPERM, result(bpf_map_update_elem(array, &key, &value, BPF_ANY)));
	expect("api.maps.frozen_lookup", 0, result(bpf_map_lookup_elem(array, &key, &value)));
	expect("api.maps.frozen_delete", -EPERM, result(bpf_map_delete_elem(array, &key)));
	expect("api.maps.freeze_prog", -EINVAL, result(bpf_map_freeze(0)));
	expect("api.maps.freeze_bad_fd", -EBADF, result(bpf_map_freeze(1000)));
	LIBBPF_OPTS(bpf_map_create_opts, ro, .map_flags = BPF_F_RDONLY);
	rd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ro", 4, 8, 4, &ro);
	expect("api.maps.rdonly_create", 5, rd);
	expect("api.maps.rdonly_update", -EPERM, result(bpf_map_update_elem(rd, &key, &value, BPF_ANY)));
	expect("api.maps.rdonly_lookup", 0, result(bpf_map_lookup_elem(rd, &key, &value)));
	close(rd);
	close(array);
	close(hash);
}

static void pin_kinds_cases(void)
{
	char path[128];
	struct btf *btf = btf__new_empty();
	__u32 key = 0, lid;
	__u64 value = 5;
	int map, got, prog, raw;

	snprintf(path, sizeof(path), "/sys/fs/bpf/bpftime_api_map_%d", getpid());
	map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "pinned_map", 4, 8, 1, NULL);
	expect("api.pin.map", 0, result(bpf_obj_pin(map, path)));
	bpf_map_update_elem(map, &key, &value, BPF_ANY);
	close(map);
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	got = bpf_obj_get_opts(path, &ro);
	expect("api.pin.map.get_rdonly", 3, got);
	value = 0;
	expect("api.pin.map.lookup", 0, result(bpf_map_lookup_elem(got, &key, &value)));
	expect("api.pin.map.value_kept", 5, value);
	expect("api.pin.map.rdonly_update", -EPERM, result(bpf_map_update_elem(got, &key, &value, BPF_ANY)));
	close(got);
	LIBBPF_OPTS(bpf_obj_get_opts, bad, .file_flags = 0x8000);
	expect("api.pin.get_bad_flags", -EINVAL, result(bpf_obj_get_opts(path, &bad)));
	unlink(path);

	snprintf(path, sizeof(path), "/sys/fs/bpf/bpftime_api_link_%d", getpid());
	prog = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "pinned_raw", "GPL", ret0, 2, NULL);
	raw = bpf_raw_tracepoint_open("sys_enter", prog);
	lid = id_of(raw);
	expect("api.pin.link", 0, result(bpf_obj_pin(raw, path)));
	close(raw);
	close(prog);
	expect("api.pin.link.alive_by_pin", 1, walk_finds(bpf_link_get_next_id, lid));
	got = bpf_obj_get(path);
	expect("api.pin.link.get_same", 1, got >= 0 && id_of(got) == lid);
	close(got);
	unlink(path);
	expect("api.pin.link.gone_after_unlink", 0, gone_soon(bpf_link_get_next_id, lid));

	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	btf__load_into_kernel(btf);
	snprintf(path, sizeof(path), "/sys/fs/bpf/bpftime_api_btf_%d", getpid());
	expect("api.pin.btf", -EINVAL, result(bpf_obj_pin(btf__fd(btf), path)));
	/* bpf_fd_probe_obj tries map, prog, link: EINVAL for anything else, a closed fd too. */
	expect("api.pin.bad_fd", -EINVAL, result(bpf_obj_pin(1000, path)));
	expect("api.pin.not_a_bpf_fd", -EINVAL, result(bpf_obj_pin(0, path)));
	btf__free(btf);
}

static void btf_log_cases(void)
{
	/* A BTF header with a bad magic, loaded with a log: refused with EINVAL and a reason. */
	unsigned char bad[24] = { 0x9f, 0xeb };
	char log[256] = "";
	LIBBPF_OPTS(bpf_btf_load_opts, opts, .log_buf = log, .log_size = sizeof(log), .log_level = 1);
	expect("api.btf_load.bad_magic", -EINVAL, result(bpf_btf_load(bad, sizeof(bad), &opts)));
	printf("api.btf_load.bad_magic.log: %s\n", last_line(log));
	LIBBPF_OPTS(bpf_btf_load_opts, nobuf, .log_size = 100, .log_level = 1);
	expect("api.btf_load.size_without_buffer", -EINVAL, result(bpf_btf_load(bad, sizeof(bad), &nobuf)));
}

static const struct {
	const char *name;
	void (*run)(void);
} groups[] = {
	{ "btf", btf_cases },
	{ "btf", btf_log_cases },
	{ "pin", pin_cases },
	{ "pin", pin_kinds_cases },
	{ "testrun", test_run_cases },
	{ "prog", prog_cases },
	{ "info", info_cases },
	{ "ids", ids_cases },
	{ "link", link_cases },
	{ "bind", bind_cases },
	{ "maps", maps_cases },
};

int main(int argc, char **argv)
{
	int ran = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(silent);
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		int wanted = argc < 2;
		for (int a = 1; a < argc; a++)
			wanted |= !strcmp(argv[a], groups[g].name);
		if (wanted) {
			groups[g].run();
			ran++;
		}
	}
	if (!ran) {
		fprintf(stderr, "unknown group; groups: btf pin testrun prog info ids link bind maps\n");
		return 2;
	}
	return failures ? 1 : 0;
}
