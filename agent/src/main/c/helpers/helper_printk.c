/*
 * bpf_trace_printk and bpf_snprintf (kernel/trace/bpf_trace.c, kernel/bpf/helpers.c) over the
 * kernel's format rules (bpf_format.c). A trace_printk line is written as trace_pipe prints an
 * event (kernel/trace/trace_output.c trace_print_context): comm right-aligned in 16, "-", the
 * thread id left-aligned in 7, "[CPU]", the five latency flags, seconds.microseconds, then
 * "bpf_trace_printk: ", the message and a newline (after the message's own, if it has one: the
 * kernel's event output adds it either way); one write() per line so lines of concurrent threads
 * never mix.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>

#include "bpftime_map.h"
#include "helpers_internal.h"

/* MAX_BPRINTF_BUF and MAX_BPRINTF_VARARGS (include/linux/bpf.h), MAX_TRACE_PRINTK_VARARGS. */
#define BPRINTF_BUF 1024
#define BPRINTF_VARARGS 12
#define TRACE_PRINTK_VARARGS 3

static int trace_fd = -1;

void bpftime_helpers_set_trace_fd(int fd)
{
	__atomic_store_n(&trace_fd, fd, __ATOMIC_RELEASE);
}

static void write_trace_line(const char *msg, long len)
{
	int fd = __atomic_load_n(&trace_fd, __ATOMIC_ACQUIRE);
	if (fd < 0)
		return;
	char comm[16] = { 0 };
	helper_syscall(SYS_prctl, PR_GET_NAME, (long)comm, 0, 0, 0);
	comm[15] = 0;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	char line[BPRINTF_BUF + 96];
	int n = snprintf(line, sizeof(line), "%16s-%-7u [%03u] ..... %5lu.%06lu: bpf_trace_printk: %.*s\n", comm,
			 helper_tid(), bpftime_current_cpu_slot(), (unsigned long)ts.tv_sec,
			 (unsigned long)ts.tv_nsec / 1000, (int)len, msg);
	if (n > (int)sizeof(line) - 1)
		n = sizeof(line) - 1;
	helper_syscall(SYS_write, fd, (long)line, n, 0, 0);
}

/* bpf_trace_printk(fmt, fmt_size, arg1, arg2, arg3): the message's length as vsnprintf counts it,
 * or -EINVAL for a format the kernel refuses. */
HELPER(trace_printk)
{
	uint64_t args[TRACE_PRINTK_VARARGS] = { r3, r4, r5 };
	char buf[BPRINTF_BUF];
	long n = bpf_format(buf, sizeof(buf), PTR(r1), (uint32_t)r2, args, TRACE_PRINTK_VARARGS);
	if (n < 0)
		return (uint64_t)n;
	write_trace_line(buf, n < BPRINTF_BUF ? n : BPRINTF_BUF - 1);
	return (uint64_t)n;
}

/* bpf_snprintf(str, str_size, fmt, data, data_len): the length with its NUL; -EINVAL for a
 * data_len not a multiple of 8 or above 12 arguments, or a bad format. */
HELPER(snprintf)
{
	uint64_t data_len = (uint32_t)r5;
	if (data_len % 8 || data_len > BPRINTF_VARARGS * 8 || (data_len && !r4))
		return (uint64_t)-EINVAL;
	uint64_t args[BPRINTF_VARARGS] = { 0 };
	if (data_len)
		memcpy(args, PTR(r4), data_len);
	long n = bpf_format(PTR(r1), (uint32_t)r2, PTR(r3), UINT32_MAX, args, (uint32_t)(data_len / 8));
	return n < 0 ? (uint64_t)n : (uint64_t)n + 1;
}
