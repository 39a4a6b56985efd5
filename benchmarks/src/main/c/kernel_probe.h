/*
 * The kernel's own uprobes for the comparison: a uprobe (or uretprobe) perf event of the uprobe PMU
 * (/sys/bus/event_source/devices/uprobe, as libbpf attaches one) on this process, running a
 * BPF_PROG_TYPE_KPROBE program that is empty or counts its runs in an array map. Needs root.
 */
#ifndef KERNEL_UPROBE_H
#define KERNEL_UPROBE_H

#include <stddef.h>
#include <stdint.h>

struct kernel_uprobe {
	int map_fd, prog_fd, event_fd;
};

/* 0, or -errno with the reason in why. */
int kernel_uprobe_attach(const void *fn, int retprobe, int counting, struct kernel_uprobe *k, char *why,
			 size_t why_len);
/* The count of a counting program, or -errno. */
int64_t kernel_uprobe_count(const struct kernel_uprobe *k);
void kernel_uprobe_detach(struct kernel_uprobe *k);

/* The mapped file holding fn and fn's offset in it (what libbpf passes as the uprobe offset). */
int file_offset_of(const void *fn, char *path, size_t path_len, uint64_t *offset);

#endif
