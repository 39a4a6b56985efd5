/*
 * The kernel's own probes with a BPF program, for the probe figures' kernel side (root): a uprobe or
 * uretprobe through the uprobe PMU (perf_event_open with the binary's path and file offset, as
 * libbpf attaches one), and a syscall tracepoint through its tracefs id. Each returns the perf
 * event's fd with the program attached and enabled, or -errno with why.
 */
#ifndef KERNEL_PROBE_H
#define KERNEL_PROBE_H

#include <stddef.h>
#include <stdint.h>

/* The mapped file holding fn and fn's offset in it (what the uprobe PMU takes). */
int file_offset_of(const void *fn, char *path, size_t path_len, uint64_t *offset);

/* A uprobe (retprobe 0) or uretprobe (1) at fn, in this process only (pid 0). */
int kernel_uprobe_open(const void *fn, int retprobe, int prog_fd, char *why, size_t why_len);

/* syscalls:<event> (e.g. "sys_enter_getppid"), for this thread only; the program itself runs for
 * every task that makes the syscall (include/trace/perf.h runs a tracepoint's programs before any
 * task filter), so a counting program must check the tgid. */
int kernel_tracepoint_open(const char *event, int prog_fd, char *why, size_t why_len);

#endif
