/*
 * The kernel's bpf() syscall, raw: no libbpf, so the figures time exactly the syscall a libbpf tool
 * ends up making. Every function returns a file descriptor or 0 on success, -errno on failure.
 */
#ifndef KERNEL_BPF_H
#define KERNEL_BPF_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

/* The attr size libbpf passes for map element commands (libbpf bpf.c: offsetofend(union bpf_attr, flags)). */
#define KBPF_MAP_ELEM_ATTR_SIZE (offsetof(union bpf_attr, flags) + sizeof(((union bpf_attr *)0)->flags))

long kbpf(int cmd, union bpf_attr *attr, size_t size);

int kbpf_map_create(enum bpf_map_type type, uint32_t key_size, uint32_t value_size, uint32_t max_entries);
int kbpf_map_update(int map_fd, const void *key, const void *value, uint64_t flags);

/* Loads a program; on failure writes the verifier's log (or the errno) into why. */
int kbpf_prog_load(enum bpf_prog_type type, const struct bpf_insn *insns, uint32_t count, char *why,
		   size_t why_len);

/* Runs a loaded program repeat times on data (BPF_PROG_TEST_RUN); the program's return value in *retval. */
int kbpf_prog_test_run(int prog_fd, const void *data, uint32_t data_len, uint32_t repeat, uint32_t *retval);

#endif
