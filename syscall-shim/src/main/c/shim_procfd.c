/*
 * What /proc/self/fd/N links to and what /proc/self/fdinfo/N says for our descriptors. Tools tell a BPF object's kind from that link
 * (bpftool's get_fd_type() looks for "bpf-map", "bpf-prog", "bpf-link"); the kernel's objects are
 * anonymous inodes named by anon_inode_getfile(): "bpf-map" (bpf_map_new_fd), "bpf-prog"
 * (bpf_prog_new_fd), "bpf_link" (bpf_link_prime), "btf" (__btf_new_fd), "[perf_event]"
 * (perf_event_open). Ours are sockets, so readlink and readlinkat of /proc/self/fd/N or
 * /proc/<our pid>/fd/N for one of them answer the kernel's text; every other path goes to libc.
 * bpftool reads memlock and frozen from fdinfo: opening fdinfo/N of one of ours gives a memfd with
 * the text the service writes (WIRE_FDINFO, info/FdInfo.java).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shim.h"
#include "shim_wire.h"

/* The descriptor N of "/proc/self/<dir>/N" or "/proc/<getpid()>/<dir>/N" (dir "fd/" or "fdinfo/"), or -1. */
static int own_fd_in(const char *path, const char *dir)
{
	const char *rest;
	char *end;

	if (strncmp(path, "/proc/", 6) != 0)
		return -1;
	rest = path + 6;
	if (strncmp(rest, "self/", 5) == 0 || strncmp(rest, "thread-self/", 12) == 0) {
		rest = strchr(rest, '/') + 1;
	} else {
		long pid = strtol(rest, &end, 10);
		if (end == rest || *end != '/' || pid != (long)getpid())
			return -1;
		rest = end + 1;
	}
	if (strncmp(rest, dir, strlen(dir)) != 0)
		return -1;
	rest += strlen(dir);
	long fd = strtol(rest, &end, 10);
	if (end == rest || *end != '\0' || fd < 0 || fd > 0x7fffffff)
		return -1;
	return (int)fd;
}

static const char *anon_name(uint32_t kind)
{
	switch (kind) {
	case WIRE_OBJ_MAP:
		return "anon_inode:bpf-map";
	case WIRE_OBJ_PROG:
		return "anon_inode:bpf-prog";
	case WIRE_OBJ_BTF:
		return "anon_inode:btf";
	case WIRE_OBJ_LINK:
		return "anon_inode:bpf_link";
	case WIRE_OBJ_PERF_EVENT:
		return "anon_inode:[perf_event]";
	default:
		return NULL;
	}
}

/* The link text for one of our descriptors, or NULL for any other path. */
static const char *emulated_link(const char *path)
{
	uint32_t kind, id;
	int saved = errno, fd;
	const char *name = NULL;

	if (shim_fdtable_any() && (fd = own_fd_in(path, "fd/")) >= 0 && shim_fdtable_lookup(fd, &kind, &id))
		name = anon_name(kind);
	errno = saved;
	return name;
}

/* readlink(2) copies without a terminating NUL and truncates silently. */
static ssize_t copy_link(const char *text, char *buf, size_t size)
{
	size_t n = strlen(text);

	if (n > size)
		n = size;
	memcpy(buf, text, n);
	return (ssize_t)n;
}

SHIM_EXPORT ssize_t readlink(const char *path, char *buf, size_t size)
{
	static ssize_t (*next)(const char *, char *, size_t);
	const char *text = emulated_link(path);

	if (text)
		return copy_link(text, buf, size);
	if (!next)
		next = (ssize_t(*)(const char *, char *, size_t))shim_next("readlink");
	return next(path, buf, size);
}

SHIM_EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	static ssize_t (*next)(int, const char *, char *, size_t);
	const char *text = path[0] == '/' ? emulated_link(path) : NULL;

	if (text)
		return copy_link(text, buf, size);
	if (!next)
		next = (ssize_t(*)(int, const char *, char *, size_t))shim_next("readlinkat");
	return next(dirfd, path, buf, size);
}

/* fdinfo/N of one of our descriptors: a memfd holding the text, or SHIM_NOT_OURS for any other path. */
int shim_fdinfo_open(const char *path, int flags)
{
	char text[4096];
	uint32_t kind, id;
	int saved = errno, fd, memfd;
	long n;

	if (!path || !shim_fdtable_any() || (fd = own_fd_in(path, "fdinfo/")) < 0 ||
	    !shim_fdtable_lookup(fd, &kind, &id)) {
		errno = saved;
		return SHIM_NOT_OURS;
	}
	uint64_t args[6] = { (uint64_t)fd, (uint64_t)(unsigned long)text, sizeof(text) };
	n = shim_forward_kind(WIRE_FDINFO, args, 0, 0, NULL);
	if (n < 0)
		return -1; /* errno from the service */
	memfd = memfd_create("fdinfo", (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
	if (memfd < 0)
		return -1;
	if (write(memfd, text, (size_t)n) != n || lseek(memfd, 0, SEEK_SET) != 0) {
		close(memfd);
		errno = EIO;
		return -1;
	}
	errno = saved;
	return memfd;
}

FILE *shim_fdinfo_fopen(const char *path, const char *mode, int *ours)
{
	int fd = shim_fdinfo_open(path, strchr(mode, 'e') ? O_CLOEXEC : 0);

	*ours = fd != SHIM_NOT_OURS;
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}
