#include "kernel_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

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

/* A number from a sysfs/tracefs file, after prefix; -errno when absent. */
static int read_number(const char *path, const char *prefix, long *out)
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

/* Opens the event, attaches the program, enables it. */
static int open_with_prog(struct perf_event_attr *pa, int prog_fd, const char *what, char *why, size_t why_len)
{
	int fd = (int)syscall(__NR_perf_event_open, pa, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		snprintf(why, why_len, "perf_event_open(%s): %s", what, strerror(err));
		return -err;
	}
	if (ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog_fd) || ioctl(fd, PERF_EVENT_IOC_ENABLE, 0)) {
		int err = errno;
		snprintf(why, why_len, "PERF_EVENT_IOC_SET_BPF/ENABLE on %s: %s", what, strerror(err));
		close(fd);
		return -err;
	}
	return fd;
}

int kernel_uprobe_open(const void *fn, int retprobe, int prog_fd, char *why, size_t why_len)
{
	char path[4096], what[4200];
	uint64_t offset;
	long type, bit = 0;

	if (read_number("/sys/bus/event_source/devices/uprobe/type", "", &type) ||
	    (retprobe && read_number("/sys/bus/event_source/devices/uprobe/format/retprobe", "config:", &bit))) {
		snprintf(why, why_len, "no uprobe PMU in /sys/bus/event_source/devices");
		return -ENOENT;
	}
	if (file_offset_of(fn, path, sizeof(path), &offset)) {
		snprintf(why, why_len, "no mapping holds %p", fn);
		return -ENOENT;
	}
	struct perf_event_attr pa;
	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.type = (uint32_t)type;
	pa.config = retprobe ? 1ull << bit : 0;
	pa.config1 = (uintptr_t)path; /* uprobe_path */
	pa.config2 = offset;	      /* probe_offset */
	pa.sample_period = 1;
	pa.wakeup_events = 1;
	snprintf(what, sizeof(what), "u%sprobe %s+%#llx", retprobe ? "ret" : "", path, (unsigned long long)offset);
	return open_with_prog(&pa, prog_fd, what, why, why_len);
}

int kernel_tracepoint_open(const char *event, int prog_fd, char *why, size_t why_len)
{
	char path[256];
	long id;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/syscalls/%s/id", event);
	if (read_number(path, "", &id)) {
		/* tracefs is not always mounted where we look; mounting it there needs root, as we are */
		mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL);
		if (read_number(path, "", &id)) {
			snprintf(why, why_len, "%s: %s (no tracefs?)", path, strerror(errno));
			return -ENOENT;
		}
	}
	struct perf_event_attr pa;
	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.type = PERF_TYPE_TRACEPOINT;
	pa.config = (uint64_t)id;
	pa.sample_period = 1;
	return open_with_prog(&pa, prog_fd, event, why, why_len);
}
