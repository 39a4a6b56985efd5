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

static int has_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

#define OPEN_LIKE(name) \
	SHIM_EXPORT int name(const char *path, int flags, ...) \
	{ \
		char buf[PATH_MAX]; \
		mode_t mode = 0; \
		NEXT(name); \
		if (has_mode(flags)) { \
			va_list ap; \
			va_start(ap, flags); \
			mode = va_arg(ap, mode_t); \
			va_end(ap); \
		} \
		int fdinfo_ = shim_fdinfo_open(path, flags); \
		if (fdinfo_ != SHIM_NOT_OURS) \
			return fdinfo_; \
		return next_##name(redirect(path, buf), flags, mode); \
	}

#define OPENAT_LIKE(name) \
	SHIM_EXPORT int name(int dirfd, const char *path, int flags, ...) \
	{ \
		char buf[PATH_MAX]; \
		mode_t mode = 0; \
		NEXT(name); \
		if (has_mode(flags)) { \
			va_list ap; \
			va_start(ap, flags); \
			mode = va_arg(ap, mode_t); \
			va_end(ap); \
		} \
		int fdinfo_ = path[0] == '/' ? shim_fdinfo_open(path, flags) : SHIM_NOT_OURS; \
		if (fdinfo_ != SHIM_NOT_OURS) \
			return fdinfo_; \
		return next_##name(dirfd, redirect(path, buf), flags, mode); \
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
		return next_##name(redirect(path, buf), flags); \
	}
#define FORTIFY_OPENAT(name) \
	SHIM_EXPORT int name(int dirfd, const char *path, int flags) \
	{ \
		char buf[PATH_MAX]; \
		NEXT(name); \
		int fdinfo_ = path[0] == '/' ? shim_fdinfo_open(path, flags) : SHIM_NOT_OURS; \
		if (fdinfo_ != SHIM_NOT_OURS) \
			return fdinfo_; \
		return next_##name(dirfd, redirect(path, buf), flags); \
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
PATH_CALL(DIR *, opendir, (const char *path), (redirect(path, buf)))
PATH_CALL(int, access, (const char *path, int how), (redirect(path, buf), how))
PATH_CALL(int, eaccess, (const char *path, int how), (redirect(path, buf), how))
PATH_CALL(int, euidaccess, (const char *path, int how), (redirect(path, buf), how))
PATH_CALL(int, faccessat, (int dirfd, const char *path, int how, int flags), (dirfd, redirect(path, buf), how, flags))
PATH_CALL(int, stat, (const char *path, struct stat *st), (redirect(path, buf), st))
PATH_CALL(int, stat64, (const char *path, struct stat64 *st), (redirect(path, buf), st))
PATH_CALL(int, lstat, (const char *path, struct stat *st), (redirect(path, buf), st))
PATH_CALL(int, lstat64, (const char *path, struct stat64 *st), (redirect(path, buf), st))
PATH_CALL(int, fstatat, (int dirfd, const char *path, struct stat *st, int flags),
	  (dirfd, redirect(path, buf), st, flags))
PATH_CALL(int, fstatat64, (int dirfd, const char *path, struct stat64 *st, int flags),
	  (dirfd, redirect(path, buf), st, flags))
PATH_CALL(int, statx, (int dirfd, const char *path, int flags, unsigned int mask, struct statx *st),
	  (dirfd, redirect(path, buf), flags, mask, st))

/* Binaries built against glibc before 2.33 call these instead of stat and friends. */
int __xstat(int ver, const char *path, struct stat *st);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags);
PATH_CALL(int, __xstat, (int ver, const char *path, struct stat *st), (ver, redirect(path, buf), st))
PATH_CALL(int, __xstat64, (int ver, const char *path, struct stat64 *st), (ver, redirect(path, buf), st))
PATH_CALL(int, __lxstat, (int ver, const char *path, struct stat *st), (ver, redirect(path, buf), st))
PATH_CALL(int, __lxstat64, (int ver, const char *path, struct stat64 *st), (ver, redirect(path, buf), st))
PATH_CALL(int, __fxstatat, (int ver, int dirfd, const char *path, struct stat *st, int flags),
	  (ver, dirfd, redirect(path, buf), st, flags))
PATH_CALL(int, __fxstatat64, (int ver, int dirfd, const char *path, struct stat64 *st, int flags),
	  (ver, dirfd, redirect(path, buf), st, flags))
