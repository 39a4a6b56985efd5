/*
 * Helpers for the bpf() test cases. Each case calls syscall(__NR_bpf, cmd, &attr, size) exactly as
 * libbpf's sys_bpf does, prints one line of what it observed to stdout ("name: ..."), and compares it
 * with what the kernel's source says it must be. The same binary runs against the kernel (as root)
 * and under the shim; the harness (libbpf-compat's ShimKernelDifferentialTest) compares the two
 * transcripts line by line, so the expectations are themselves checked against the kernel.
 *
 * Only deterministic observations are printed: errnos, fd numbers, sizes, names, tags, log texts of
 * structural refusals. Object ids are global in the kernel, so only relations between them print.
 */
#ifndef BPF_CASE_H
#define BPF_CASE_H

#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

extern int case_failures;

static inline long sys_bpf(long cmd, void *attr, unsigned long size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

const char *errno_name(int e);

/* "name: ok N" for a non-negative return, "name: E<NAME>" for a failure. */
const char *outcome(long ret, int err, char *buf, size_t len);

/* Prints "name: <observed>" and counts a failure when it differs from expected. */
void expect_str(const char *name, const char *expected, const char *observed);
void expect_ret(const char *name, long expected_ret, int expected_errno, long ret, int err);
void expect_long(const char *name, long expected, long observed);
/* Prints the value without an expectation (when only the comparison with the kernel decides). */
void observe(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* expect_ret of a call, which is made before errno is read (a function's arguments have no order). */
#define EXPECT_CALL(name, ret, err, call) \
	do { \
		long r_ = (call); \
		int e_ = errno; \
		expect_ret(name, ret, err, r_, e_); \
	} while (0)

/* Programs. */
extern struct bpf_insn prog_ret0[2];   /* r0 = 0; exit */
extern struct bpf_insn prog_lddw[4];   /* r0 = 0x1122334455667788 ll; r0 >>= 32; exit */

/* The fuzz cases' random numbers: xorshift64*, reproducible from a seed on every libc. A case sets
 * random_state (never 0) before it draws. */
extern uint64_t random_state;
uint64_t next_random(void);
unsigned below(unsigned n); /* 0 to n - 1 */

/* Maps, with the attr sizes libbpf sends: BPF_MAP_CREATE up to map_extra (inner_fd 0 for none, name may
 * be NULL), an element command (LOOKUP, UPDATE, DELETE, GET_NEXT_KEY, LOOKUP_AND_DELETE) up to flags. */
long map_create(__u32 type, __u32 key, __u32 value, __u32 max, __u32 flags, int inner_fd, const char *name);
long map_elem(int cmd, int fd, const void *key, void *value, __u64 flags);

/* BPF_OBJ_GET_INFO_BY_FD into len bytes at info (the caller zeroes them); the info_len the kernel
 * wrote back goes to *len_out when not NULL. Returns the syscall's result. */
long obj_info(int fd, void *info, unsigned len, unsigned *len_out);

/* BPF_PROG_LOAD of a socket filter with license "GPL"; name may be NULL. Returns the syscall's result. */
long load_prog(const struct bpf_insn *insns, unsigned cnt, const char *name, union bpf_attr *attr_out);
int prog_id_of(int fd);
void tag_hex(int fd, char out[17]);

/* A page followed by an inaccessible one, to put data right before a fault. */
char *page_before_hole(void);
long page_size(void);

int cases_attr(void);
int cases_load(void);
int cases_log(void);
int cases_info(void);
int cases_ids(void);
int cases_maps(void);
int cases_mapinmap(void);
int cases_fields(void);
int cases_cgroup_array(void);
int cases_prog_bind_map(void);
int cases_fdinfo(void);
int cases_mmap(void);
int cases_life(int argc, char **argv);
int cases_fuzz(long calls, uint64_t seed);
/* shim: also the cases only the emulation can pass on this host (no kprobe PMU, no debugfs here). */
int cases_tracefs(int shim);
int cases_attach(int shim);
int cases_perf_fuzz(long calls, uint64_t seed);
int cases_badinput(long per_command, uint64_t seed);
int cases_sessions(void);
int cases_btf(void);
int cases_btf_log(void);
int cases_pin(void);
int cases_testrun(void);
/* Needs the agent under the shim: the program traces itself. */
int cases_close(void);

/* A valid BTF blob in the host's byte order: int, a pointer to it, struct pair { int a; int b; }. */
size_t btf_blob(unsigned char *out, size_t cap);
/* BPF_BTF_LOAD of buf with an optional log; returns the syscall's result. */
long load_btf(const void *buf, unsigned size, char *log, unsigned log_size, unsigned log_level,
	      unsigned *log_true_size);

/* Whether fd is open; how many descriptors above n are open (the shim's own socket excluded). */
int fcntl_is_open(int fd);
int open_descriptors_above(int n);

#endif
