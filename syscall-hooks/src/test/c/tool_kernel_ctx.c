/*
 * The oracle for the contexts: as root, attaches a BPF program to the kernel's
 * syscalls:sys_enter_openat, syscalls:sys_exit_openat, raw_syscalls:sys_enter and
 * raw_syscalls:sys_exit (perf_event_open + PERF_EVENT_IOC_SET_BPF, the raw bpf syscall), makes
 * one openat with chosen argument registers, and compares the bytes the program copied out of
 * its context with what the library's fill functions make of the same syscall. The first 8 bytes
 * are not compared: a program cannot read them (see bpftime_syscall_ctx.h); nor are the 4
 * padding bytes after __syscall_nr, which the kernel leaves uninitialized.
 * Prints one line per event; exit 0 all equal, 1 a difference, 77 cannot run here (why printed).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpftime_syscall_ctx.h"

#define SKIP 77
#define PATH "/nonexistent/bpftime-syscall-ctx"

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static struct bpf_insn I(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

/* A program copying ctx bytes [8, 8 + 8 * qwords) of this process's events into the map's value;
 * with filter_id, only for events whose 8-byte field at 8 is that syscall number. */
static int load_prog(int map_fd, int qwords, long filter_id, char *log, unsigned log_size)
{
	struct bpf_insn p[64];
	int n = 0, jumps[4], nj = 0;

	p[n++] = I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0);
	p[n++] = I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_current_pid_tgid);
	p[n++] = I(BPF_ALU64 | BPF_RSH | BPF_K, 0, 0, 0, 32);
	jumps[nj++] = n;
	p[n++] = I(BPF_JMP | BPF_JNE | BPF_K, 0, 0, 0, getpid());
	if (filter_id >= 0) {
		p[n++] = I(BPF_LDX | BPF_MEM | BPF_DW, 2, 6, 8, 0);
		jumps[nj++] = n;
		p[n++] = I(BPF_JMP | BPF_JNE | BPF_K, 2, 0, 0, (int32_t)filter_id);
	}
	for (int k = 0; k < qwords; k++) {
		p[n++] = I(BPF_LDX | BPF_MEM | BPF_DW, 3, 6, (int16_t)(8 + 8 * k), 0);
		p[n++] = I(BPF_STX | BPF_MEM | BPF_DW, 10, 3, (int16_t)(-64 + 8 * k), 0);
	}
	p[n++] = I(BPF_ST | BPF_MEM | BPF_W, 10, 0, -72, 0);
	p[n++] = I(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, map_fd);
	p[n++] = I(0, 0, 0, 0, 0);
	p[n++] = I(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0);
	p[n++] = I(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -72);
	p[n++] = I(BPF_ALU64 | BPF_MOV | BPF_X, 3, 10, 0, 0);
	p[n++] = I(BPF_ALU64 | BPF_ADD | BPF_K, 3, 0, 0, -64);
	p[n++] = I(BPF_ALU64 | BPF_MOV | BPF_K, 4, 0, 0, 0);
	p[n++] = I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_update_elem);
	for (int j = 0; j < nj; j++)
		p[jumps[j]].off = (int16_t)(n - jumps[j] - 1);
	p[n++] = I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	p[n++] = I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);

	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_TRACEPOINT;
	a.insn_cnt = (uint32_t)n;
	a.insns = (uint64_t)(uintptr_t)p;
	a.license = (uint64_t)(uintptr_t)"GPL";
	a.log_level = 1;
	a.log_buf = (uint64_t)(uintptr_t)log;
	a.log_size = log_size;
	return (int)sys_bpf(BPF_PROG_LOAD, &a);
}

static long tracepoint_id(const char *event)
{
	char path[256], buf[32] = { 0 };
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/id", event);
	if ((fd = open(path, O_RDONLY)) < 0) {
		mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL);
		fd = open(path, O_RDONLY);
	}
	if (fd < 0)
		return -1;
	read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return strtol(buf, NULL, 10);
}

/* openat with all six argument registers chosen */
static long openat6(const uint64_t a[6])
{
	long r;
	register uint64_t r10 __asm__("r10") = a[3];
	register uint64_t r8 __asm__("r8") = a[4];
	register uint64_t r9 __asm__("r9") = a[5];

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"((long)SYS_openat), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

/* Runs the openat with a program on event; copies ctx bytes [8, 8 + 8 * qwords) into got. */
static int observe(const char *event, int qwords, long filter_id, const uint64_t args[6], uint8_t *got,
		   long *ret)
{
	static char log[1 << 16];
	union bpf_attr a;
	struct perf_event_attr pa;
	uint8_t value[64] = { 0 };
	uint32_t key = 0;
	long id = tracepoint_id(event);

	if (id < 0) {
		printf("SKIP no tracefs id for %s (tracefs not mountable here)\n", event);
		return SKIP;
	}
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 64;
	a.max_entries = 1;
	int map = (int)sys_bpf(BPF_MAP_CREATE, &a);
	if (map < 0) {
		printf("SKIP bpf(BPF_MAP_CREATE): %s (needs root and kernel BPF)\n", strerror(errno));
		return SKIP;
	}
	int prog = load_prog(map, qwords, filter_id, log, sizeof(log));
	if (prog < 0) {
		printf("FAIL %s: BPF_PROG_LOAD: %s\n%s\n", event, strerror(errno), log);
		return 1;
	}
	memset(&pa, 0, sizeof(pa));
	pa.type = PERF_TYPE_TRACEPOINT;
	pa.size = sizeof(pa);
	pa.config = (uint64_t)id;
	pa.sample_period = 1;
	pa.disabled = 1;
	int pfd = (int)syscall(SYS_perf_event_open, &pa, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0 || ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog) < 0 || ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
		printf("FAIL %s: perf_event_open/SET_BPF: %s\n", event, strerror(errno));
		return 1;
	}
	*ret = openat6(args);
	ioctl(pfd, PERF_EVENT_IOC_DISABLE, 0);
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map;
	a.key = (uint64_t)(uintptr_t)&key;
	a.value = (uint64_t)(uintptr_t)value;
	if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &a) < 0) {
		printf("FAIL %s: lookup: %s\n", event, strerror(errno));
		return 1;
	}
	memcpy(got, value, (size_t)qwords * 8);
	close(pfd);
	close(prog);
	close(map);
	return 0;
}

static int compare(const char *event, const uint8_t *kernel, const void *ours, int qwords, int pad_at)
{
	const uint8_t *o = (const uint8_t *)ours + 8;
	int bad = 0;

	for (int i = 0; i < qwords * 8; i++) {
		if (pad_at >= 0 && i >= pad_at - 8 && i < pad_at - 8 + 4)
			continue;
		bad |= kernel[i] != o[i];
	}
	printf("%s %s:", bad ? "DIFF" : "SAME", event);
	for (int i = 0; i < qwords * 8; i++)
		printf("%s%02x/%02x", i % 8 ? "" : " ", kernel[i], o[i]);
	printf("\n");
	return bad;
}

int main(void)
{
	const uint64_t args[6] = { (uint64_t)(long)AT_FDCWD, (uint64_t)(uintptr_t)PATH, O_RDONLY | O_CLOEXEC,
				   0644, 0x1122334455667788ull, 0x99aabbccddeeff00ull };
	uint8_t got[64];
	long ret;
	int r, bad = 0;

	if (geteuid() != 0) {
		printf("SKIP not root: attaching a BPF program to a kernel tracepoint needs root\n");
		return SKIP;
	}

	struct bpftime_sys_enter_ctx enter;
	if ((r = observe("syscalls/sys_enter_openat", 5, -1, args, got, &ret)))
		return r;
	bpftime_sys_enter_ctx_fill(&enter, SYS_openat, args);
	bad |= compare("syscalls/sys_enter_openat", got, &enter, 5, 12);

	struct bpftime_sys_exit_ctx exit_ctx;
	if ((r = observe("syscalls/sys_exit_openat", 2, -1, args, got, &ret)))
		return r;
	bpftime_sys_exit_ctx_fill(&exit_ctx, SYS_openat, ret);
	bad |= compare("syscalls/sys_exit_openat", got, &exit_ctx, 2, 12);

	struct bpftime_raw_sys_enter_ctx raw_enter;
	if ((r = observe("raw_syscalls/sys_enter", 7, SYS_openat, args, got, &ret)))
		return r;
	bpftime_raw_sys_enter_ctx_fill(&raw_enter, SYS_openat, args);
	bad |= compare("raw_syscalls/sys_enter", got, &raw_enter, 7, -1);

	struct bpftime_raw_sys_exit_ctx raw_exit;
	if ((r = observe("raw_syscalls/sys_exit", 2, SYS_openat, args, got, &ret)))
		return r;
	bpftime_raw_sys_exit_ctx_fill(&raw_exit, SYS_openat, ret);
	bad |= compare("raw_syscalls/sys_exit", got, &raw_exit, 2, -1);

	if (ret != -ENOENT) {
		printf("DIFF the openat returned %ld, expected -ENOENT\n", ret);
		bad = 1;
	}
	return bad;
}
