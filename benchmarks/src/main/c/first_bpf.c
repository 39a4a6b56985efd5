/*
 * first-bpf: one bpf(BPF_MAP_CREATE) and exit 0 when it was answered with a map. The process the
 * start-up figures (figures_start.c) time from fork to exit, with the shim preloaded or against the
 * kernel.
 */
#define _GNU_SOURCE
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 1;
	return syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr)) >= 0 ? 0 : 1;
}
