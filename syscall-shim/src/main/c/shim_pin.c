/*
 * unlink(), unlinkat(), rmdir(), mkdir() and mkdirat() of the emulated bpffs (docs/PROTOCOL.md, "Pins"). A path under
 * /sys/fs/bpf names the service's pins, as OBJ_PIN and OBJ_GET see them, not the host's bpffs: removing
 * one is a WIRE_PIN_UNLINK request, answered with the errno the kernel's bpffs gives (the pin's reference
 * is dropped, as bpf_free_inode does). Relative paths and other directories go to libc unchanged.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim.h"
#include "shim_wire.h"

static const char mount_point[] = "/sys/fs/bpf";

int shim_in_bpffs(const char *path)
{
	size_t n = sizeof(mount_point) - 1;

	/* "//sys/fs/bpf" and such are left to libc: libbpf and bpftool spell the mount as above. */
	return path && strncmp(path, mount_point, n) == 0 && (path[n] == 0 || path[n] == '/');
}


const char *shim_bpffs_fold(const char *path, char *buf)
{
	size_t n, out = 0;
	const char *p;

	if (!shim_in_bpffs(path) || (!strstr(path, "/.") && !strstr(path, "//")))
		return path;
	n = strnlen(path, PATH_MAX);
	if (n >= PATH_MAX)
		return path;
	/* Component by component, as PinPath.normalize folds it (bpffs and the /sys/fs above it have no
	 * symlinks, so ".." is lexical). */
	for (p = path; *p;) {
		const char *end;
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchr(p, '/');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (out > 0 && buf[out - 1] != '/')
				out--;
			if (out > 0)
				out--;
		} else {
			buf[out++] = '/';
			memcpy(buf + out, p, len);
			out += len;
		}
		p += len;
	}
	if (out == 0)
		buf[out++] = '/';
	buf[out] = 0;
	return buf;
}

/* One request with the path as payload; a page is sent from the copy: the bytes after its NUL are never
 * looked at. */
static int forward_path(uint16_t kind, const char *path, uint64_t arg)
{
	char copy[PATH_MAX];
	size_t n = strnlen(path, PATH_MAX);
	uint64_t args[6] = { arg };

	if (n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(copy, path, n + 1);
	return (int)shim_forward_kind(kind, args, (unsigned long)copy, 0, NULL);
}

/* libbpf's make_parent_dir makes each pin's folder (mkdir 0700, EEXIST accepted) before pinning. */
SHIM_EXPORT int mkdir(const char *path, mode_t mode)
{
	if (shim_in_bpffs(path))
		return forward_path(WIRE_PIN_MKDIR, path, mode);
	return ((int (*)(const char *, mode_t))shim_next("mkdir"))(path, mode);
}

SHIM_EXPORT int mkdirat(int dirfd, const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	const char *at = shim_bpffs_at(dirfd, path, buf);

	/* An absolute path ignores dirfd; a relative one in a listed folder is that folder's. */
	if (at)
		return forward_path(WIRE_PIN_MKDIR, at, mode);
	if (shim_in_bpffs(path))
		return forward_path(WIRE_PIN_MKDIR, path, mode);
	return ((int (*)(int, const char *, mode_t))shim_next("mkdirat"))(dirfd, path, mode);
}

SHIM_EXPORT int unlink(const char *path)
{
	if (shim_in_bpffs(path))
		return forward_path(WIRE_PIN_UNLINK, path, 0);
	return ((int (*)(const char *))shim_next("unlink"))(path);
}

SHIM_EXPORT int rmdir(const char *path)
{
	if (shim_in_bpffs(path))
		return forward_path(WIRE_PIN_UNLINK, path, 1);
	return ((int (*)(const char *))shim_next("rmdir"))(path);
}

SHIM_EXPORT int unlinkat(int dirfd, const char *path, int flags)
{
	char buf[PATH_MAX];
	const char *at = (flags & ~AT_REMOVEDIR) == 0 ? shim_bpffs_at(dirfd, path, buf) : NULL;

	/* rm -r removes relative to the folder it listed (a mirror folder: the name is the bpffs's). */
	if (at)
		return forward_path(WIRE_PIN_UNLINK, at, (flags & AT_REMOVEDIR) != 0);
	/* An absolute path ignores dirfd; unknown flags are still the kernel's EINVAL. */
	if (shim_in_bpffs(path) && (flags & ~AT_REMOVEDIR) == 0)
		return forward_path(WIRE_PIN_UNLINK, path, (flags & AT_REMOVEDIR) != 0);
	return ((int (*)(int, const char *, int))shim_next("unlinkat"))(dirfd, path, flags);
}
