/*
 * The feature probes libbpf 1.1 (libbpf-dev, Debian's libbpf-tools) makes before loading an object
 * (enum kern_feature_id and the probe_* functions of libbpf.c), each made here with the same
 * bpf() calls, one line per probe: "name: yes" or "name: no (ERRNO)". libbpf picks its paths by
 * these answers; the emulation must give the ones that match what the runtime really does
 * (LibbpfProbesTest holds that table and the kernel's answers beside it).
 */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/btf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define INFO(kind, kflag, vlen) (((kflag) ? 1u << 31 : 0) | ((__u32)(kind) << 24) | ((vlen) & 0xffff))
#define INT_TYPE(name, bits, size) (name), INFO(BTF_KIND_INT, 0, 0), (size), ((__u32)BTF_INT_SIGNED << 24 | (bits))

static const char *errno_text(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case EBADF: return "EBADF";
	case ENOENT: return "ENOENT";
	case E2BIG: return "E2BIG";
	case EACCES: return "EACCES";
	case 524: return "ENOTSUPP";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default: return "other";
	}
}

static void report(const char *name, int fd_or_ok, int err)
{
	if (fd_or_ok >= 0)
		printf("%s: yes\n", name);
	else
		printf("%s: no (%s)\n", name, errno_text(err));
}

static int fd_probe(const char *name, int fd)
{
	int err = errno;

	report(name, fd, err);
	if (fd >= 0)
		close(fd);
	return fd;
}

/* A raw BTF blob: header, the types, the strings (libbpf__load_raw_btf). */
static int load_btf(const __u32 *types, size_t types_len, const char *strs, size_t strs_len)
{
	struct btf_header hdr = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(hdr),
		.type_off = 0, .type_len = (__u32)types_len, .str_off = (__u32)types_len, .str_len = (__u32)strs_len,
	};
	size_t size = sizeof(hdr) + types_len + strs_len;
	char *raw = malloc(size);
	int fd;

	memcpy(raw, &hdr, sizeof(hdr));
	memcpy(raw + sizeof(hdr), types, types_len);
	memcpy(raw + sizeof(hdr) + types_len, strs, strs_len);
	fd = bpf_btf_load(raw, size, NULL);
	free(raw);
	return fd;
}

static int load(enum bpf_prog_type type, const char *name, const struct bpf_insn *insns, size_t cnt,
		enum bpf_attach_type expected)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = expected);

	return bpf_prog_load(type, name, "GPL", insns, cnt, &opts);
}

#define MOV0 { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 }
#define EXIT { .code = BPF_JMP | BPF_EXIT }
#define CALL(id) { .code = BPF_JMP | BPF_CALL, .imm = (id) }

int main(void)
{
	static const struct bpf_insn ret0[] = { MOV0, EXIT };

	libbpf_set_print(NULL);

	/* FEAT_PROG_NAME: a socket filter loaded with a name */
	fd_probe("prog_name", load(BPF_PROG_TYPE_SOCKET_FILTER, "libbpf_nametest", ret0, 2, 0));

	/* FEAT_GLOBAL_DATA: a store through BPF_PSEUDO_MAP_VALUE of a one-element array */
	{
		int map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "libbpf_global", 4, 32, 1, NULL);
		struct bpf_insn insns[] = {
			{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = 1, .src_reg = BPF_PSEUDO_MAP_VALUE, .imm = map },
			{ .imm = 16 },
			{ .code = BPF_ST | BPF_MEM | BPF_DW, .dst_reg = 1, .off = 0, .imm = 42 },
			MOV0, EXIT,
		};
		fd_probe("global_data", load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, insns, 5, 0));
		close(map);
	}

	/* FEAT_BTF and the BTF kinds */
	{
		static const char strs[] = "\0int";
		__u32 types[] = { INT_TYPE(1, 32, 4) };
		fd_probe("btf", load_btf(types, sizeof(types), strs, sizeof(strs)));
	}
	{
		static const char strs[] = "\0int\0x\0a";
		__u32 types[] = { INT_TYPE(1, 32, 4), 0, INFO(BTF_KIND_FUNC_PROTO, 0, 1), 0, 7, 1,
				  5, INFO(BTF_KIND_FUNC, 0, 0), 2 };
		fd_probe("btf_func", load_btf(types, sizeof(types), strs, sizeof(strs)));
		types[sizeof(types) / 4 - 2] = INFO(BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL);
		fd_probe("btf_global_func", load_btf(types, sizeof(types), strs, sizeof(strs)));
	}
	{
		static const char strs[] = "\0x\0.data";
		__u32 types[] = { INT_TYPE(0, 32, 4), 1, INFO(BTF_KIND_VAR, 0, 0), 1, BTF_VAR_STATIC,
				  3, INFO(BTF_KIND_DATASEC, 0, 1), 4, 2, 0, 4 };
		fd_probe("btf_datasec", load_btf(types, sizeof(types), strs, sizeof(strs)));
	}
	{
		static const char strs[] = "\0float";
		__u32 types[] = { 1, INFO(BTF_KIND_FLOAT, 0, 0), 4 };
		fd_probe("btf_float", load_btf(types, sizeof(types), strs, sizeof(strs)));
	}
	{
		static const char strs[] = "\0tag";
		__u32 types[] = { INT_TYPE(0, 32, 4), 1, INFO(BTF_KIND_VAR, 0, 0), 1, BTF_VAR_STATIC,
				  1, INFO(BTF_KIND_DECL_TAG, 0, 0), 2, (__u32)-1 };
		fd_probe("btf_decl_tag", load_btf(types, sizeof(types), strs, sizeof(strs)));
	}
	{
		static const char strs[] = "\0tag";
		__u32 types[] = { INT_TYPE(0, 32, 4), 1, INFO(BTF_KIND_TYPE_TAG, 0, 0), 1,
				  0, INFO(BTF_KIND_PTR, 0, 0), 2 };
		fd_probe("btf_type_tag", load_btf(types, sizeof(types), strs, sizeof(strs)));
	}
	{
		static const char strs[] = "\0enum64";
		__u32 types[] = { 1, INFO(BTF_KIND_ENUM64, 0, 0), 8 };
		fd_probe("btf_enum64", load_btf(types, sizeof(types), strs, sizeof(strs)));
	}

	/* FEAT_ARRAY_MMAP */
	{
		LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_MMAPABLE);
		fd_probe("array_mmap", bpf_map_create(BPF_MAP_TYPE_ARRAY, "libbpf_mmap", 4, 4, 1, &opts));
	}

	/* FEAT_EXP_ATTACH_TYPE: a cgroup/sock program with a non-zero expected_attach_type */
	fd_probe("exp_attach_type", load(BPF_PROG_TYPE_CGROUP_SOCK, NULL, ret0, 2, BPF_CGROUP_INET_SOCK_CREATE));

	/* FEAT_PROBE_READ_KERN: bpf_probe_read_kernel(fp - 8, 8, NULL) in a tracepoint program */
	{
		static const struct bpf_insn insns[] = {
			{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 1, .src_reg = 10 },
			{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = 1, .imm = -8 },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 2, .imm = 8 },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 3, .imm = 0 },
			CALL(BPF_FUNC_probe_read_kernel), EXIT,
		};
		fd_probe("probe_read_kernel", load(BPF_PROG_TYPE_TRACEPOINT, NULL, insns, 6, 0));
	}

	/* FEAT_PROG_BIND_MAP */
	{
		int map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "libbpf_det_bind", 4, 32, 1, NULL);
		int prog = load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, ret0, 2, 0);
		int r = prog < 0 ? -1 : bpf_prog_bind_map(prog, map, NULL);
		report("prog_bind_map", r, errno);
		close(prog);
		close(map);
	}

	/* FEAT_PERF_LINK: BPF_LINK_CREATE on fd -1 is EBADF when perf links exist, else EINVAL */
	{
		int prog = load(BPF_PROG_TYPE_TRACEPOINT, NULL, ret0, 2, 0);
		int link = bpf_link_create(prog, -1, BPF_PERF_EVENT, NULL);
		int err = errno;
		if (link >= 0)
			printf("perf_link: unexpected link\n");
		else if (err == EBADF)
			printf("perf_link: yes\n");
		else
			printf("perf_link: no (%s)\n", errno_text(err));
		close(prog);
	}

	/* FEAT_MEMCG_ACCOUNT: bpf_ktime_get_coarse_ns in a socket filter */
	{
		static const struct bpf_insn insns[] = { CALL(BPF_FUNC_ktime_get_coarse_ns), EXIT };
		fd_probe("memcg_account", load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, insns, 2, 0));
	}

	/* FEAT_BPF_COOKIE: bpf_get_attach_cookie in a tracepoint program */
	{
		static const struct bpf_insn insns[] = { CALL(BPF_FUNC_get_attach_cookie), EXIT };
		fd_probe("bpf_cookie", load(BPF_PROG_TYPE_TRACEPOINT, NULL, insns, 2, 0));
	}

	/* FEAT_SYSCALL_WRAPPER: a kprobe perf event on the syscall wrapper of bpf */
	{
		struct perf_event_attr attr;
		FILE *f = fopen("/sys/bus/event_source/devices/kprobe/type", "re");
		int type = -1;

		if (f) {
			if (fscanf(f, "%d", &type) != 1)
				type = -1;
			fclose(f);
		}
		memset(&attr, 0, sizeof(attr));
		attr.size = sizeof(attr);
		attr.type = (__u32)type;
		attr.config1 = (__u64)(unsigned long)"__x64_sys_bpf";
		int fd = type < 0 ? -1 : (int)syscall(__NR_perf_event_open, &attr, getpid(), -1, -1, PERF_FLAG_FD_CLOEXEC);
		fd_probe("syscall_wrapper", fd);
	}
	return 0;
}
