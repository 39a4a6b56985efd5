#include "kernel_bpf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

long kbpf(int cmd, union bpf_attr *attr, size_t size)
{
	long ret = syscall(__NR_bpf, cmd, attr, size);

	return ret < 0 ? -errno : ret;
}

int kbpf_map_create(enum bpf_map_type type, uint32_t key_size, uint32_t value_size, uint32_t max_entries)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	return (int)kbpf(BPF_MAP_CREATE, &attr, sizeof(attr));
}

int kbpf_map_update(int map_fd, const void *key, const void *value, uint64_t flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)map_fd;
	attr.key = (uint64_t)(uintptr_t)key;
	attr.value = (uint64_t)(uintptr_t)value;
	attr.flags = flags;
	return (int)kbpf(BPF_MAP_UPDATE_ELEM, &attr, KBPF_MAP_ELEM_ATTR_SIZE);
}

static int prog_load(enum bpf_prog_type type, const struct bpf_insn *insns, uint32_t count, char *log,
		     uint32_t log_len)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = count;
	attr.license = (uint64_t)(uintptr_t)"GPL";
	if (log) {
		attr.log_buf = (uint64_t)(uintptr_t)log;
		attr.log_size = log_len;
		attr.log_level = 1;
	}
	return (int)kbpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

int kbpf_prog_load(enum bpf_prog_type type, const struct bpf_insn *insns, uint32_t count, char *why,
		   size_t why_len)
{
	char log[4096];
	int fd = prog_load(type, insns, count, NULL, 0);

	if (fd >= 0)
		return fd;
	/* Load again with a log only to explain the refusal: a log costs verifier time on success. */
	log[0] = '\0';
	prog_load(type, insns, count, log, sizeof(log));
	snprintf(why, why_len, "bpf(BPF_PROG_LOAD): %s; verifier log: %s", strerror(-fd), log);
	return fd;
}

int kbpf_prog_test_run(int prog_fd, const void *data, uint32_t data_len, uint32_t repeat, uint32_t *retval)
{
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = (uint32_t)prog_fd;
	attr.test.data_in = (uint64_t)(uintptr_t)data;
	attr.test.data_size_in = data_len;
	attr.test.repeat = repeat;
	err = (int)kbpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr));
	if (!err)
		*retval = attr.test.retval;
	return err;
}
