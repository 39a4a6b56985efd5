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

/* One instruction slot, for programs the figures build by hand (kernel.prog.*, kernel.ringbuf.*). */
static inline struct bpf_insn kbpf_insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn i = { .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };

	return i;
}

/* lddw dst, map: two slots, the map's fd in the first immediate (BPF_PSEUDO_MAP_FD); returns 2. */
static inline uint32_t kbpf_ld_map_fd(struct bpf_insn *p, uint8_t dst, int map_fd)
{
	p[0] = kbpf_insn(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, map_fd);
	p[1] = kbpf_insn(0, 0, 0, 0, 0);
	return 2;
}

int kbpf_map_create(enum bpf_map_type type, uint32_t key_size, uint32_t value_size, uint32_t max_entries);
int kbpf_map_update(int map_fd, const void *key, const void *value, uint64_t flags);

/* Loads a program; on failure writes the verifier's log (or the errno) into why. */
int kbpf_prog_load(enum bpf_prog_type type, const struct bpf_insn *insns, uint32_t count, char *why,
		   size_t why_len);

/* Runs a loaded program repeat times on data (BPF_PROG_TEST_RUN); the program's return value in *retval. */
int kbpf_prog_test_run(int prog_fd, const void *data, uint32_t data_len, uint32_t repeat, uint32_t *retval);

#endif
