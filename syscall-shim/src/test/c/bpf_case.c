#include "bpf_case.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>

int case_failures;

struct bpf_insn prog_ret0[2] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

struct bpf_insn prog_lddw[4] = {
	{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = 0, .imm = 0x55667788 },
	{ .imm = 0x11223344 },
	{ .code = BPF_ALU64 | BPF_RSH | BPF_K, .dst_reg = 0, .imm = 32 },
	{ .code = BPF_JMP | BPF_EXIT },
};

const char *errno_name(int e)
{
	static char other[32];
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case EMFILE: return "EMFILE";
	case ENOSPC: return "ENOSPC";
	case EPROTO: return "EPROTO";
	case EBADFD: return "EBADFD";
	case EACCES: return "EACCES";
	case ENOMEM: return "ENOMEM";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case 524: return "ENOTSUPP";
	case EEXIST: return "EEXIST";
	case EBUSY: return "EBUSY";
	case ENODEV: return "ENODEV";
	case ENOTDIR: return "ENOTDIR";
	case ENXIO: return "ENXIO";
	default:
		snprintf(other, sizeof(other), "errno%d", e);
		return other;
	}
}

const char *outcome(long ret, int err, char *buf, size_t len)
{
	if (ret >= 0)
		snprintf(buf, len, "ok %ld", ret);
	else
		snprintf(buf, len, "%s", errno_name(err));
	return buf;
}

void expect_str(const char *name, const char *expected, const char *observed)
{
	printf("%s: %s\n", name, observed);
	if (strcmp(expected, observed) != 0) {
		fprintf(stderr, "UNEXPECTED %s: actual '%s' vs expected '%s'\n", name, observed, expected);
		case_failures++;
	}
}

void expect_ret(const char *name, long expected_ret, int expected_errno, long ret, int err)
{
	char want[64], got[64];
	outcome(expected_errno ? -1 : expected_ret, expected_errno, want, sizeof(want));
	outcome(ret, err, got, sizeof(got));
	expect_str(name, want, got);
}

void expect_long(const char *name, long expected, long observed)
{
	char want[32], got[32];
	snprintf(want, sizeof(want), "%ld", expected);
	snprintf(got, sizeof(got), "%ld", observed);
	expect_str(name, want, got);
}

void observe(const char *name, const char *fmt, ...)
{
	va_list ap;
	printf("%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

uint64_t random_state = 1;

uint64_t next_random(void)
{
	random_state ^= random_state >> 12;
	random_state ^= random_state << 25;
	random_state ^= random_state >> 27;
	return random_state * 2685821657736338717ULL;
}

unsigned below(unsigned n)
{
	return (unsigned)(next_random() % n);
}

long map_create(__u32 type, __u32 key, __u32 value, __u32 max, __u32 flags, int inner_fd, const char *name)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key;
	attr.value_size = value;
	attr.max_entries = max;
	attr.map_flags = flags;
	attr.inner_map_fd = (__u32)inner_fd;
	if (name)
		strncpy(attr.map_name, name, sizeof(attr.map_name));
	return sys_bpf(BPF_MAP_CREATE, &attr, offsetof(union bpf_attr, map_extra) + 8);
}

long map_elem(int cmd, int fd, const void *key, void *value, __u64 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (__u32)fd;
	attr.key = (__u64)(unsigned long)key;
	attr.value = (__u64)(unsigned long)value;
	attr.flags = flags;
	return sys_bpf(cmd, &attr, offsetof(union bpf_attr, flags) + 8);
}

long load_prog(const struct bpf_insn *insns, unsigned cnt, const char *name, union bpf_attr *out)
{
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = cnt;
	attr.license = (uintptr_t)"GPL";
	if (name)
		strncpy(attr.prog_name, name, sizeof(attr.prog_name));
	fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	if (out)
		*out = attr;
	return fd;
}

long obj_info(int fd, void *info, unsigned len, unsigned *len_out)
{
	union bpf_attr attr;
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = len;
	attr.info.info = (uintptr_t)info;
	r = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr));
	if (len_out)
		*len_out = attr.info.info_len;
	return r;
}

int prog_id_of(int fd)
{
	struct bpf_prog_info info;

	memset(&info, 0, sizeof(info));
	if (obj_info(fd, &info, sizeof(info), NULL) != 0)
		return -errno;
	return (int)info.id;
}

void tag_hex(int fd, char out[17])
{
	struct bpf_prog_info info;

	memset(&info, 0, sizeof(info));
	strcpy(out, "none");
	if (obj_info(fd, &info, sizeof(info), NULL) != 0)
		return;
	for (int i = 0; i < 8; i++)
		sprintf(out + 2 * i, "%02x", info.tag[i]);
}

long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

char *page_before_hole(void)
{
	long page = page_size();
	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	if (mprotect(p + page, page, PROT_NONE) != 0) {
		perror("mprotect");
		exit(2);
	}
	memset(p, 0, page);
	return p;
}

int fcntl_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

int open_descriptors_above(int n)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int count = 0, self = d ? dirfd(d) : -1;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		char link[64] = "";
		char path[64];

		if (e->d_name[0] == '.' || fd <= n || fd == self)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		/* The shim keeps its connection high (docs/PROTOCOL.md), and the eventfds of the rings
		 * the app waited on: they are not the app's. */
		if (readlink(path, link, sizeof(link) - 1) > 0 && fd >= 512 &&
		    (!strncmp(link, "socket:", 7) || !strcmp(link, "anon_inode:[eventfd]")))
			continue;
		count++;
	}
	closedir(d);
	return count;
}
