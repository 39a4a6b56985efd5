#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel_uprobe.h"

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	long r = syscall(__NR_bpf, cmd, attr, sizeof(*attr));
	return r < 0 ? -errno : r;
}

int file_offset_of(const void *fn, char *path, size_t path_len, uint64_t *offset)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096];
	uintptr_t a = (uintptr_t)fn;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end, off;
		char perms[8], file[4096] = "";
		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %4095s", &start, &end, perms, &off, file) >= 4 && a >= start &&
		    a < end) {
			snprintf(path, path_len, "%s", file);
			*offset = a - start + off;
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -ENOENT;
}

static int read_sysfs_int(const char *path, const char *prefix, long *out)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	int ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	if (!ok || strncmp(buf, prefix, strlen(prefix)))
		return -EINVAL;
	*out = strtol(buf + strlen(prefix), NULL, 10);
	return 0;
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

int kernel_uprobe_attach(const void *fn, int retprobe, int counting, struct kernel_uprobe *k, char *why,
			 size_t why_len)
{
	union bpf_attr attr;
	char path[4096], log[4096] = "";
	uint64_t offset;
	long type, bit = 0;
	k->map_fd = k->prog_fd = k->event_fd = -1;
	if (read_sysfs_int("/sys/bus/event_source/devices/uprobe/type", "", &type) ||
	    (retprobe && read_sysfs_int("/sys/bus/event_source/devices/uprobe/format/retprobe", "config:", &bit))) {
		snprintf(why, why_len, "no uprobe PMU in /sys/bus/event_source/devices");
		return -ENOENT;
	}
	if (file_offset_of(fn, path, sizeof(path), &offset)) {
		snprintf(why, why_len, "no mapping holds %p", fn);
		return -ENOENT;
	}
	struct bpf_insn prog[16];
	int n = 0;
	if (counting) {
		memset(&attr, 0, sizeof(attr));
		attr.map_type = BPF_MAP_TYPE_ARRAY;
		attr.key_size = 4;
		attr.value_size = 8;
		attr.max_entries = 1;
		long fd = sys_bpf(BPF_MAP_CREATE, &attr);
		if (fd < 0) {
			snprintf(why, why_len, "BPF_MAP_CREATE: %s", strerror((int)-fd));
			return (int)fd;
		}
		k->map_fd = (int)fd;
		prog[n++] = INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0);
		prog[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0);
		prog[n++] = INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4);
		prog[n++] = INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, k->map_fd);
		prog[n++] = INSN(0, 0, 0, 0, 0);
		prog[n++] = INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem);
		prog[n++] = INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2, 0);
		prog[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 1);
		prog[n++] = INSN(BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_0, BPF_REG_1, 0, BPF_ADD);
	}
	prog[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	prog[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_KPROBE;
	attr.insns = (uintptr_t)prog;
	attr.insn_cnt = n;
	attr.license = (uintptr_t)"GPL";
	attr.log_buf = (uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	long fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0) {
		snprintf(why, why_len, "BPF_PROG_LOAD: %s %s", strerror((int)-fd), log);
		kernel_uprobe_detach(k);
		return (int)fd;
	}
	k->prog_fd = (int)fd;

	struct perf_event_attr pa;
	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.type = (uint32_t)type;
	pa.config = retprobe ? 1ull << bit : 0;
	pa.config1 = (uintptr_t)path;  /* uprobe_path */
	pa.config2 = offset;           /* probe_offset */
	pa.sample_period = 1;
	pa.wakeup_events = 1;
	fd = syscall(__NR_perf_event_open, &pa, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		snprintf(why, why_len, "perf_event_open(uprobe %s+%#llx): %s", path, (unsigned long long)offset,
			 strerror(err));
		kernel_uprobe_detach(k);
		return -err;
	}
	k->event_fd = (int)fd;
	if (ioctl(k->event_fd, PERF_EVENT_IOC_SET_BPF, k->prog_fd) || ioctl(k->event_fd, PERF_EVENT_IOC_ENABLE, 0)) {
		int err = errno;
		snprintf(why, why_len, "PERF_EVENT_IOC_SET_BPF/ENABLE: %s", strerror(err));
		kernel_uprobe_detach(k);
		return -err;
	}
	return 0;
}

int64_t kernel_uprobe_count(const struct kernel_uprobe *k)
{
	union bpf_attr attr;
	uint32_t key = 0;
	uint64_t value = 0;
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)k->map_fd;
	attr.key = (uintptr_t)&key;
	attr.value = (uintptr_t)&value;
	long r = sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr);
	return r < 0 ? r : (int64_t)value;
}

void kernel_uprobe_detach(struct kernel_uprobe *k)
{
	if (k->event_fd >= 0)
		close(k->event_fd);
	if (k->prog_fd >= 0)
		close(k->prog_fd);
	if (k->map_fd >= 0)
		close(k->map_fd);
	k->map_fd = k->prog_fd = k->event_fd = -1;
}
