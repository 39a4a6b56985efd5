/*
 * Reading the tracefs and PMU files by every means tools use (libbpf's determine_tracepoint_id uses
 * fopen/fscanf of events/<cat>/<name>/id, its determine_uprobe_perf_type the same on
 * /sys/bus/event_source/devices/uprobe/type and format/retprobe; bpftool and bpftrace stat, list
 * and read). Group "tracefs" prints only what the kernel's tracefs and ours share (ids differ: the
 * kernel's are per boot, so a format is printed as a hash of its text without the ID line); group
 * "tracefs-shim" adds what only the emulation has here (debugfs' tracing, the kprobe PMU, mmap).
 */
#include "bpf_case.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define EVENTS "/sys/kernel/tracing/events"
#define OPENAT_DIR EVENTS "/syscalls/sys_enter_openat"

static const char *kind_of(int ret, mode_t mode)
{
	if (ret != 0)
		return errno_name(errno);
	return S_ISDIR(mode) ? "dir" : S_ISREG(mode) ? "file" : "other";
}

/* FNV-1a of the text with the "ID: N" line dropped. */
static unsigned long format_hash(const char *text)
{
	unsigned long h = 1469598103934665603UL;
	const char *id = strstr(text, "\nID: ");
	const char *skip_to = id ? strchr(id + 1, '\n') : NULL;

	for (const char *p = text; *p; p++) {
		if (id && p == id) {
			p = skip_to;
			if (!p)
				break;
		}
		h = (h ^ (unsigned char)*p) * 1099511628211UL;
	}
	return h;
}

static long read_all(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	long n, got = 0;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	return n < 0 ? -1 : got;
}

static long fscanf_long(const char *path, const char *fmt)
{
	long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	if (fscanf(f, fmt, &v) != 1)
		v = -1000;
	fclose(f);
	return v;
}

static int dir_has(DIR *d, const char *a, const char *b)
{
	struct dirent *e;
	int seen = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, a))
			seen |= 1;
		if (!strcmp(e->d_name, b))
			seen |= 2;
	}
	closedir(d);
	return seen;
}

/* getdents64 on an fd from open(O_DIRECTORY): what tools that avoid readdir do. */
static int getdents_has(const char *path, const char *a, const char *b)
{
	char buf[8192];
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), seen = 0;
	long n;

	if (fd < 0)
		return -errno;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long at = 0; at < n;) {
			struct { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; } *d =
				(void *)(buf + at);
			if (!strcmp(d->name, a))
				seen |= 1;
			if (!strcmp(d->name, b))
				seen |= 2;
			at += d->reclen;
		}
	}
	close(fd);
	return seen;
}

static void common(void)
{
	char text[8192], buf[64];
	struct stat st;
	struct statx stx;
	long id, id2, r;
	int dir, fd;

	id = fscanf_long(OPENAT_DIR "/id", "%ld");
	expect_long("tracefs.fopen_fscanf.id_positive", 1, id > 0);
	r = read_all(OPENAT_DIR "/id", text, sizeof(text));
	id2 = r > 0 ? atol(text) : -1;
	expect_long("tracefs.open_read.same_id", 1, id2 == id);
	fd = openat(AT_FDCWD, EVENTS "/syscalls/sys_exit_openat/id", O_RDONLY | O_CLOEXEC);
	expect_long("tracefs.openat.exit_id_differs", 1, fd >= 0 && read(fd, buf, sizeof(buf)) > 0 && atol(buf) != id);
	if (fd >= 0)
		close(fd);

	r = read_all(OPENAT_DIR "/format", text, sizeof(text));
	observe("tracefs.format.sys_enter_openat", "%s %lx", outcome(r > 0 ? 0 : -1, errno, buf, sizeof(buf)),
		r > 0 ? format_hash(text) : 0);
	r = read_all(EVENTS "/syscalls/sys_exit_read/format", text, sizeof(text));
	observe("tracefs.format.sys_exit_read", "%lx", r > 0 ? format_hash(text) : 0);
	r = read_all(EVENTS "/raw_syscalls/sys_enter/format", text, sizeof(text));
	observe("tracefs.format.raw_sys_enter", "%lx", r > 0 ? format_hash(text) : 0);
	r = read_all(EVENTS "/syscalls/sys_enter_getpid/format", text, sizeof(text));
	observe("tracefs.format.sys_enter_getpid", "%lx", r > 0 ? format_hash(text) : 0);

	/* openat relative to a directory fd of the tree. */
	dir = open(EVENTS "/syscalls", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = dir >= 0 ? openat(dir, "sys_enter_openat/format", O_RDONLY | O_CLOEXEC) : -1;
	r = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
	if (r >= 0)
		text[r] = 0;
	observe("tracefs.openat_dirfd.format", "%lx", r > 0 ? format_hash(text) : 0);
	if (fd >= 0)
		close(fd);
	if (dir >= 0)
		close(dir);

	observe("tracefs.stat.event_dir", "%s", kind_of(stat(OPENAT_DIR, &st), st.st_mode));
	observe("tracefs.stat.id", "%s", kind_of(stat(OPENAT_DIR "/id", &st), st.st_mode));
	observe("tracefs.lstat.format", "%s", kind_of(lstat(OPENAT_DIR "/format", &st), st.st_mode));
	observe("tracefs.fstatat.format", "%s",
		kind_of(fstatat(AT_FDCWD, OPENAT_DIR "/format", &st, 0), st.st_mode));
	r = statx(AT_FDCWD, OPENAT_DIR "/id", 0, STATX_TYPE, &stx);
	observe("tracefs.statx.id", "%s", kind_of((int)r, stx.stx_mode));
	observe("tracefs.stat.missing_event", "%s", kind_of(stat(EVENTS "/syscalls/sys_enter_nosuch", &st), 0));
	r = access(OPENAT_DIR "/id", F_OK);
	observe("tracefs.access.F_OK", "%s", outcome(r, errno, buf, sizeof(buf)));
	r = access(OPENAT_DIR "/format", R_OK);
	observe("tracefs.access.R_OK", "%s", outcome(r, errno, buf, sizeof(buf)));
	r = faccessat(AT_FDCWD, "/sys/kernel/tracing", F_OK, AT_EACCESS);
	observe("tracefs.faccessat.eaccess", "%s", outcome(r, errno, buf, sizeof(buf)));
	observe("tracefs.readdir.format_and_id", "%d", dir_has(opendir(OPENAT_DIR), "format", "id"));
	observe("tracefs.readdir.raw_syscalls", "%d", dir_has(opendir(EVENTS "/raw_syscalls"), "sys_enter", "sys_exit"));
	observe("tracefs.getdents64.syscalls", "%d",
		getdents_has(EVENTS "/syscalls", "sys_enter_openat", "sys_exit_execve"));

	/* bcc's detach (in bpftrace) reads these for legacy probes: none made, so empty where they exist. */
	r = read_all("/sys/kernel/tracing/uprobe_events", text, sizeof(text));
	observe("tracefs.uprobe_events", "%s", r >= 0 ? (r == 0 ? "empty" : "not empty") : errno_name(errno));
	r = read_all("/sys/kernel/tracing/kprobe_events", text, sizeof(text));
	observe("tracefs.kprobe_events", "%s", r >= 0 ? (r == 0 ? "empty" : "not empty") : errno_name(errno));

	id = fscanf_long("/sys/bus/event_source/devices/uprobe/type", "%ld");
	expect_long("pmu.uprobe.type_positive", 1, id > 0);
	observe("pmu.uprobe.retprobe", "%ld", fscanf_long("/sys/bus/event_source/devices/uprobe/format/retprobe",
							  "config:%ld"));
	r = read_all("/sys/bus/event_source/devices/uprobe/format/ref_ctr_offset", text, sizeof(text));
	observe("pmu.uprobe.ref_ctr_offset", "%s", r > 0 ? strtok(text, "\n") : errno_name(errno));

	/* Paths outside the emulated places are untouched, errno included. */
	errno = 0;
	fd = open("/sys/kernel/tracingX/id", O_RDONLY);
	observe("passthrough.similar_prefix", "%s", outcome(fd, errno, buf, sizeof(buf)));
	fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	observe("passthrough.proc", "%s", fd >= 0 ? "ok" : errno_name(errno));
	if (fd >= 0)
		close(fd);
	observe("passthrough.stat_root", "%s", kind_of(stat("/", &st), st.st_mode));
}

/* What only the emulation offers on this host: no debugfs mount, no kprobe PMU, mmap of a format. */
static void shim_only(void)
{
	char text[8192], buf[64];
	struct stat st;
	long id, id2;
	void *m;
	int fd;

	id = fscanf_long(OPENAT_DIR "/id", "%ld");
	id2 = fscanf_long("/sys/kernel/debug/tracing/events/syscalls/sys_enter_openat/id", "%ld");
	expect_long("tracefs_shim.debugfs_same_id", 1, id > 0 && id == id2);
	id = fscanf_long("/sys/bus/event_source/devices/kprobe/type", "%ld");
	expect_long("tracefs_shim.kprobe_type_positive", 1, id > 0);
	expect_long("tracefs_shim.kprobe_retprobe", 0,
		    fscanf_long("/sys/bus/event_source/devices/kprobe/format/retprobe", "config:%ld"));

	fd = open(OPENAT_DIR "/format", O_RDONLY | O_CLOEXEC);
	m = fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 0 ?
		    mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	expect_long("tracefs_shim.mmap_format", 1, m != MAP_FAILED && !memcmp(m, "name: sys_enter_openat\n", 23));
	if (m != MAP_FAILED)
		munmap(m, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	expect_long("tracefs_shim.fstat_size_is_read_size", 1,
		    read_all(OPENAT_DIR "/format", text, sizeof(text)) == (long)st.st_size);
	fd = open(OPENAT_DIR "/id", O_WRONLY);
	/* Read-only as the kernel's 0440 files; root's DAC override opens it all the same. */
	expect_long("tracefs_shim.id_writable_only_by_root", 1, (fd >= 0) == (getuid() == 0));
	if (fd >= 0)
		close(fd);
	(void)buf;
}

int cases_tracefs(int shim)
{
	common();
	if (shim)
		shim_only();
	return case_failures;
}
