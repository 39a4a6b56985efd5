/*
 * stat, lstat, fstatat, statx and statfs of the emulated bpffs (docs/PROTOCOL.md, "Pins"). The pins
 * live in the service, not in any file system, so the service answers with the node's attributes
 * (WIRE_PIN_STAT) and they are laid out here as the kernel's bpffs shows them: a simple file system
 * (kernel/bpf/inode.c, fs/libfs.c simple_statfs) whose statfs type is BPF_FS_MAGIC, which libbpf's
 * check_path and bpftool's is_bpffs test before pinning, with size 0 and page-sized blocks.
 * Every other path goes to libc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"
#include "shim_wire.h"

/* include/uapi/linux/magic.h */
#define SHIM_BPF_FS_MAGIC 0xcafe4a11
/* include/uapi/linux/statfs.h: ST_VALID, and ST_RELATIME as bpffs is mounted by default. */
#define SHIM_ST_VALID 0x0020
#define SHIM_ST_RELATIME 0x1000

/* 0, -errno, or NOT_IN_MOUNT (not in the mount, or folded out of it: the service says PASS). SHIM_NOT_OURS
 * would be ambiguous here: it is -ENOENT. */
#define NOT_IN_MOUNT 1
static int lookup(const char *path, struct wire_pin_stat *out)
{
	char copy[PATH_MAX];
	uint64_t args[6] = { 0 };
	size_t n;
	int passed;
	long r;

	if (!shim_in_bpffs(path))
		return NOT_IN_MOUNT;
	n = strnlen(path, PATH_MAX);
	if (n >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(copy, path, n + 1);
	memset(out, 0, sizeof(*out));
	r = shim_forward_kind(WIRE_PIN_STAT, args, (unsigned long)copy, (unsigned long)out, &passed);
	if (passed)
		return NOT_IN_MOUNT;
	return r < 0 ? -errno : 0;
}

/* The path's stat as a call of the stat family answers: SHIM_NOT_OURS outside the mount, -1 with
 * errno set for a failure, 0 with *w filled. */
static int walk(const char *path, struct wire_pin_stat *w)
{
	int r = lookup(path, w);

	if (r == NOT_IN_MOUNT)
		return SHIM_NOT_OURS;
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}

/* The device of the host's /sys/fs/bpf (its bpffs or sysfs), so that the mount looks like one place. */
static dev_t mount_dev(void)
{
	static dev_t dev;
	static int known;
	struct stat st;

	if (!__atomic_load_n(&known, __ATOMIC_ACQUIRE)) {
		int saved = errno;
		if (shim_real_syscall(SYS_newfstatat, AT_FDCWD, (long)"/sys/fs/bpf", (long)&st, AT_SYMLINK_NOFOLLOW, 0, 0) == 0)
			dev = st.st_dev;
		errno = saved;
		__atomic_store_n(&known, 1, __ATOMIC_RELEASE);
	}
	return dev;
}

int shim_bpffs_stat(const char *path, struct stat *st)
{
	struct wire_pin_stat w;
	int r = walk(path, &w);

	if (r)
		return r;
	memset(st, 0, sizeof(*st));
	st->st_dev = mount_dev();
	st->st_ino = w.ino;
	st->st_mode = w.mode;
	st->st_nlink = w.nlink;
	st->st_uid = w.uid;
	st->st_gid = w.gid;
	st->st_blksize = sysconf(_SC_PAGESIZE);
	st->st_atim.tv_sec = st->st_mtim.tv_sec = w.mtime_ns / 1000000000;
	st->st_atim.tv_nsec = st->st_mtim.tv_nsec = w.mtime_ns % 1000000000;
	st->st_ctim.tv_sec = w.ctime_ns / 1000000000;
	st->st_ctim.tv_nsec = w.ctime_ns % 1000000000;
	return 0;
}

int shim_bpffs_statx(const char *path, unsigned mask, struct statx *stx)
{
	struct wire_pin_stat w;
	int r = walk(path, &w);
	dev_t dev;

	if (r)
		return r;
	memset(stx, 0, sizeof(*stx));
	dev = mount_dev();
	/* What a simple file system fills whatever the mask asked (generic_fillattr): the basic stats. */
	stx->stx_mask = STATX_BASIC_STATS;
	stx->stx_blksize = (uint32_t)sysconf(_SC_PAGESIZE);
	stx->stx_nlink = w.nlink;
	stx->stx_uid = w.uid;
	stx->stx_gid = w.gid;
	stx->stx_mode = (uint16_t)w.mode;
	stx->stx_ino = w.ino;
	stx->stx_atime.tv_sec = stx->stx_mtime.tv_sec = w.mtime_ns / 1000000000;
	stx->stx_atime.tv_nsec = stx->stx_mtime.tv_nsec = (uint32_t)(w.mtime_ns % 1000000000);
	stx->stx_ctime.tv_sec = w.ctime_ns / 1000000000;
	stx->stx_ctime.tv_nsec = (uint32_t)(w.ctime_ns % 1000000000);
	stx->stx_dev_major = major(dev);
	stx->stx_dev_minor = minor(dev);
	return 0;
}

int shim_bpffs_statfs(const char *path, struct statfs *sfs)
{
	struct wire_pin_stat w;
	int r = walk(path, &w);

	if (r)
		return r;
	/* simple_statfs: the type, the block size and the name length; no blocks, no inode counts. */
	memset(sfs, 0, sizeof(*sfs));
	sfs->f_type = SHIM_BPF_FS_MAGIC;
	sfs->f_bsize = sfs->f_frsize = sysconf(_SC_PAGESIZE);
	sfs->f_namelen = NAME_MAX;
	sfs->f_flags = SHIM_ST_VALID | SHIM_ST_RELATIME;
	return 0;
}

/* opendir of a folder of the emulated bpffs, and open with O_DIRECTORY: the service mirrors the names of
 * its pins and folders into <runtime dir>/bpffs (pin/BpfFs#mirrorInto), so readdir lists them (ls, find);
 * their attributes come from the stat functions above. */
/* Set once this process opened a mirror folder: only then can a dirfd be one. */
static int mirror_given;

const char *shim_bpffs_listing(const char *path, char *buf)
{
	struct wire_pin_stat w;
	char dir[PATH_MAX];
	int saved = errno, n;

	if (!shim_in_bpffs(path))
		return path;
	/* Also starts the service, which makes the mirror, when none runs. */
	if (lookup(path, &w) == NOT_IN_MOUNT || shim_runtime_dir(dir) != 0) {
		errno = saved;
		return path;
	}
	errno = saved;
	n = snprintf(buf, PATH_MAX, "%s/bpffs%s", dir, path + strlen("/sys/fs/bpf"));
	if (n <= 0 || n >= PATH_MAX)
		return path;
	__atomic_store_n(&mirror_given, 1, __ATOMIC_RELEASE);
	return buf;
}

const char *shim_bpffs_at(int dirfd, const char *path, char *buf)
{
	char link[32], target[PATH_MAX], dir[PATH_MAX];
	size_t len;
	ssize_t n;
	int saved = errno;

	if (!path || path[0] == '/' || dirfd < 0 || !__atomic_load_n(&mirror_given, __ATOMIC_ACQUIRE))
		return NULL;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	n = shim_real_syscall(SYS_readlink, (long)link, (long)target, sizeof(target) - 1, 0, 0, 0);
	if (n <= 0 || shim_runtime_dir(dir) != 0) {
		errno = saved;
		return NULL;
	}
	target[n] = 0;
	len = strlen(dir);
	if (strncmp(target, dir, len) != 0 || strncmp(target + len, "/bpffs", 6) != 0 ||
	    (target[len + 6] != 0 && target[len + 6] != '/')) {
		errno = saved;
		return NULL;
	}
	n = snprintf(buf, PATH_MAX, "/sys/fs/bpf%s%s%s", target + len + 6, path[0] ? "/" : "", path);
	errno = saved;
	return n > 0 && n < PATH_MAX ? buf : NULL;
}

/* Extended attributes: bpffs has no xattr handlers, so the kernel answers EOPNOTSUPP for every name
 * (security.* included, without an LSM that labels it) and an empty list; `ls -l` asks for
 * security.selinux and the ACLs of each entry. A missing path gives the walk's errno. */
static int xattr_walk(const char *path)
{
	struct wire_pin_stat w;

	return walk(path, &w);
}

#define GETXATTR_LIKE(name) \
	SHIM_EXPORT ssize_t name(const char *path, const char *attr, void *value, size_t size) \
	{ \
		char fold_[PATH_MAX]; \
		path = shim_bpffs_fold(path, fold_); \
		int r = xattr_walk(path); \
		if (r == SHIM_NOT_OURS) \
			return ((ssize_t(*)(const char *, const char *, void *, size_t))shim_next(#name))(path, attr, \
											   value, size); \
		if (r == 0) \
			errno = EOPNOTSUPP; \
		return -1; \
	}
#define LISTXATTR_LIKE(name) \
	SHIM_EXPORT ssize_t name(const char *path, char *list, size_t size) \
	{ \
		char fold_[PATH_MAX]; \
		path = shim_bpffs_fold(path, fold_); \
		int r = xattr_walk(path); \
		if (r == SHIM_NOT_OURS) \
			return ((ssize_t(*)(const char *, char *, size_t))shim_next(#name))(path, list, size); \
		return r == 0 ? 0 : -1; \
	}
GETXATTR_LIKE(getxattr)
GETXATTR_LIKE(lgetxattr)
LISTXATTR_LIKE(listxattr)
LISTXATTR_LIKE(llistxattr)
