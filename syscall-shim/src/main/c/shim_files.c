/*
 * The emulated tracefs and sysfs files (docs/PROTOCOL.md, "Emulated files"). The service writes them
 * as a real tree in the runtime directory (<dir>/files, a symlink to the current tree); here every
 * libc entry point that takes a path (open*, fopen*, stat*, access, faccessat, statx, opendir) has
 * paths under the emulated places redirected into that tree, so what follows (read, fstat, mmap,
 * getdents64, openat relative to a directory fd) is plain file system behaviour. Every other path is
 * passed to libc's function unchanged, errno included.
 *
 *   /sys/kernel/tracing, /sys/kernel/debug/tracing   -> files/tracing
 *   /sys/bus/event_source/devices/uprobe, .../kprobe -> files/event_source/uprobe, .../kprobe
 *   /sys/kernel/btf/vmlinux                          -> files/btf/vmlinux, only when the host's is unreadable
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "shim.h"
#include "shim_wire.h"

static const struct {
	const char *from;
	const char *to;
} places[] = {
	{ "/sys/kernel/tracing", "tracing" },
	{ "/sys/kernel/debug/tracing", "tracing" },
	{ "/sys/bus/event_source/devices/uprobe", "event_source/uprobe" },
	{ "/sys/bus/event_source/devices/kprobe", "event_source/kprobe" },
};

static const char vmlinux[] = "/sys/kernel/btf/vmlinux";

#define NEXT(name) \
	static __typeof__(name) *next_##name; \
	if (!__atomic_load_n(&next_##name, __ATOMIC_ACQUIRE)) \
		__atomic_store_n(&next_##name, (__typeof__(name) *)dlsym(RTLD_NEXT, #name), __ATOMIC_RELEASE)

/* The service writes the tree on its first WIRE_FILES request; asked once per process (a fork
 * inherits the answer, the tree outlives connections). */
static pid_t tree_asked_by;

static void ensure_tree(void)
{
	uint64_t args[6] = { 0 };
	pid_t me = getpid();

	if (__atomic_load_n(&tree_asked_by, __ATOMIC_ACQUIRE) == me)
		return;
	/* A failure leaves the paths redirected into a tree that may be missing: ENOENT, as without tracefs. */
	if (shim_forward_kind(WIRE_FILES, args, 0, 0, NULL) != 0)
		shim_log("the service did not provide the emulated files: %s", strerror(errno));
	__atomic_store_n(&tree_asked_by, me, __ATOMIC_RELEASE);
}

static int host_vmlinux_readable(void)
{
	NEXT(access);
	return next_access && next_access(vmlinux, R_OK) == 0;
}

/* The path to use for path: path itself, or its place in the emulated tree written into buf. */
static const char *redirect(const char *path, char *buf)
{
	const char *rest = NULL, *to = NULL;
	char dir[PATH_MAX];
	int saved, n;

	if (!path || strncmp(path, "/sys/", 5) != 0)
		return path;
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		size_t len = strlen(places[i].from);
		if (strncmp(path, places[i].from, len) == 0 && (path[len] == '\0' || path[len] == '/')) {
			rest = path + len;
			to = places[i].to;
			break;
		}
	}
	saved = errno;
	if (!to && strcmp(path, vmlinux) == 0 && !host_vmlinux_readable()) {
		rest = "";
		to = "btf/vmlinux";
	}
	if (!to || shim_runtime_dir(dir) != 0) {
		errno = saved;
		return path;
	}
	ensure_tree();
	errno = saved;
	n = snprintf(buf, PATH_MAX, "%s/files/%s%s", dir, to, rest);
	return n > 0 && n < PATH_MAX ? buf : path;
}

/* A folder of the emulated bpffs opened to be listed: its mirror (written into buf), else path. The
 * result may be buf itself; redirect() leaves such a path (in the runtime directory) alone. */
static const char *listing(const char *path, int flags, char *buf)
{
	return (flags & O_DIRECTORY) ? shim_bpffs_listing(path, buf) : path;
}

static int has_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

/* The mode argument after flags, there only when flags create a file (reading it otherwise is undefined). */
#define MODE_ARG(mode, flags) \
	do { \
		if (has_mode(flags)) { \
			va_list ap_; \
			va_start(ap_, flags); \
			mode = va_arg(ap_, mode_t); \
			va_end(ap_); \
		} \
	} while (0)

#define OPEN_LIKE(name) \
	SHIM_EXPORT int name(const char *path, int flags, ...) \
	{ \
		char buf[PATH_MAX]; \
		mode_t mode = 0; \
		NEXT(name); \
		MODE_ARG(mode, flags); \
		int fdinfo_ = shim_fdinfo_open(path, flags); \
		if (fdinfo_ != SHIM_NOT_OURS) \
			return fdinfo_; \
		return next_##name(redirect(listing(path, flags, buf), buf), flags, mode); \
	}

#define OPENAT_LIKE(name) \
	SHIM_EXPORT int name(int dirfd, const char *path, int flags, ...) \
	{ \
		char buf[PATH_MAX]; \
		mode_t mode = 0; \
		NEXT(name); \
		MODE_ARG(mode, flags); \
		int fdinfo_ = path[0] == '/' ? shim_fdinfo_open(path, flags) : SHIM_NOT_OURS; \
		if (fdinfo_ != SHIM_NOT_OURS) \
			return fdinfo_; \
		return next_##name(dirfd, redirect(listing(path, flags, buf), buf), flags, mode); \
	}

OPEN_LIKE(open)
OPEN_LIKE(open64)
OPENAT_LIKE(openat)
OPENAT_LIKE(openat64)

/* The _FORTIFY_SOURCE entry points (glibc's fcntl2.h turns open() into them). */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

#define FORTIFY_OPEN(name) \
	SHIM_EXPORT int name(const char *path, int flags) \
	{ \
		char buf[PATH_MAX]; \
		NEXT(name); \
		int fdinfo_ = shim_fdinfo_open(path, flags); \
		if (fdinfo_ != SHIM_NOT_OURS) \
			return fdinfo_; \
		return next_##name(redirect(listing(path, flags, buf), buf), flags); \
	}
#define FORTIFY_OPENAT(name) \
	SHIM_EXPORT int name(int dirfd, const char *path, int flags) \
	{ \
		char buf[PATH_MAX]; \
		NEXT(name); \
		int fdinfo_ = path[0] == '/' ? shim_fdinfo_open(path, flags) : SHIM_NOT_OURS; \
		if (fdinfo_ != SHIM_NOT_OURS) \
			return fdinfo_; \
		return next_##name(dirfd, redirect(listing(path, flags, buf), buf), flags); \
	}
FORTIFY_OPEN(__open_2)
FORTIFY_OPEN(__open64_2)
FORTIFY_OPENAT(__openat_2)
FORTIFY_OPENAT(__openat64_2)

#define PATH_CALL(ret, name, params, call_args) \
	SHIM_EXPORT ret name params \
	{ \
		char buf[PATH_MAX]; \
		NEXT(name); \
		return next_##name call_args; \
	}

#define FOPEN_LIKE(name) \
	SHIM_EXPORT FILE *name(const char *path, const char *mode) \
	{ \
		char buf[PATH_MAX]; \
		int ours_; \
		NEXT(name); \
		FILE *fdinfo_ = shim_fdinfo_fopen(path, mode, &ours_); \
		if (ours_) \
			return fdinfo_; \
		return next_##name(redirect(path, buf), mode); \
	}
FOPEN_LIKE(fopen)
FOPEN_LIKE(fopen64)
PATH_CALL(DIR *, opendir, (const char *path), (redirect(listing(path, O_DIRECTORY, buf), buf)))
PATH_CALL(int, access, (const char *path, int how), (redirect(path, buf), how))
PATH_CALL(int, eaccess, (const char *path, int how), (redirect(path, buf), how))
PATH_CALL(int, euidaccess, (const char *path, int how), (redirect(path, buf), how))
PATH_CALL(int, faccessat, (int dirfd, const char *path, int how, int flags), (dirfd, redirect(path, buf), how, flags))
/* The stat family: a path in the emulated bpffs is answered by the service (shim_bpffs_stat.c). */
#define STAT_CALL(name, params, statp, call_args) \
	SHIM_EXPORT int name params \
	{ \
		char buf[PATH_MAX], fold_[PATH_MAX]; \
		path = shim_bpffs_fold(path, fold_); \
		int pin_ = shim_bpffs_stat(path, (struct stat *)(statp)); \
		if (pin_ != SHIM_NOT_OURS) \
			return pin_; \
		NEXT(name); \
		return next_##name call_args; \
	}
/* fstatat: an absolute path ignores dirfd; a relative or empty one (AT_EMPTY_PATH) is ours when dirfd is a
 * listed bpffs folder (shim_bpffs_at). */
#define FSTATAT_CALL(name, params, statp, call_args) \
	SHIM_EXPORT int name params \
	{ \
		char buf[PATH_MAX], fold_[PATH_MAX]; \
		const char *at_ = shim_bpffs_at(dirfd, path, buf); \
		if (at_) \
			at_ = shim_bpffs_fold(at_, fold_); \
		else \
			path = shim_bpffs_fold(path, fold_); \
		int pin_ = shim_bpffs_stat(at_ ? at_ : path, (struct stat *)(statp)); \
		if (pin_ != SHIM_NOT_OURS) \
			return pin_; \
		NEXT(name); \
		return next_##name call_args; \
	}

_Static_assert(sizeof(struct stat) == sizeof(struct stat64), "stat64 is stat on this ABI");

STAT_CALL(stat, (const char *path, struct stat *st), st, (redirect(path, buf), st))
STAT_CALL(stat64, (const char *path, struct stat64 *st), st, (redirect(path, buf), st))
STAT_CALL(lstat, (const char *path, struct stat *st), st, (redirect(path, buf), st))
STAT_CALL(lstat64, (const char *path, struct stat64 *st), st, (redirect(path, buf), st))
FSTATAT_CALL(fstatat, (int dirfd, const char *path, struct stat *st, int flags), st,
	     (dirfd, redirect(path, buf), st, flags))
FSTATAT_CALL(fstatat64, (int dirfd, const char *path, struct stat64 *st, int flags), st,
	     (dirfd, redirect(path, buf), st, flags))

SHIM_EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *st)
{
	char buf[PATH_MAX], fold[PATH_MAX];
	const char *at = shim_bpffs_at(dirfd, path, buf);

	if (at)
		at = shim_bpffs_fold(at, fold);
	else
		path = shim_bpffs_fold(path, fold);
	int pin = shim_bpffs_statx(at ? at : path, mask, st);

	if (pin != SHIM_NOT_OURS)
		return pin;
	NEXT(statx);
	return next_statx(dirfd, redirect(path, buf), flags, mask, st);
}

/* statfs: libbpf's check_path and bpftool's is_bpffs look for BPF_FS_MAGIC before pinning. */
SHIM_EXPORT int statfs(const char *path, struct statfs *sfs)
{
	int pin = shim_bpffs_statfs(path, sfs);

	if (pin != SHIM_NOT_OURS)
		return pin;
	NEXT(statfs);
	return next_statfs(path, sfs);
}

_Static_assert(sizeof(struct statfs) == sizeof(struct statfs64), "statfs64 is statfs on this ABI");

SHIM_EXPORT int statfs64(const char *path, struct statfs64 *sfs)
{
	int pin = shim_bpffs_statfs(path, (struct statfs *)sfs);

	if (pin != SHIM_NOT_OURS)
		return pin;
	NEXT(statfs64);
	return next_statfs64(path, sfs);
}

/* Binaries built against glibc before 2.33 call these instead of stat and friends. */
int __xstat(int ver, const char *path, struct stat *st);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags);
STAT_CALL(__xstat, (int ver, const char *path, struct stat *st), st, (ver, redirect(path, buf), st))
STAT_CALL(__xstat64, (int ver, const char *path, struct stat64 *st), st, (ver, redirect(path, buf), st))
STAT_CALL(__lxstat, (int ver, const char *path, struct stat *st), st, (ver, redirect(path, buf), st))
STAT_CALL(__lxstat64, (int ver, const char *path, struct stat64 *st), st, (ver, redirect(path, buf), st))
FSTATAT_CALL(__fxstatat, (int ver, int dirfd, const char *path, struct stat *st, int flags), st,
	     (ver, dirfd, redirect(path, buf), st, flags))
FSTATAT_CALL(__fxstatat64, (int ver, int dirfd, const char *path, struct stat64 *st, int flags), st,
	     (ver, dirfd, redirect(path, buf), st, flags))
