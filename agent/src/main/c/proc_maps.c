/*
 * A reader of /proc/self/maps lines: "start-end perms offset major:minor inode   path" (proc(5)).
 * It reads with read(2) into a stack buffer: no stdio, no allocation.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "proc_maps.h"
#include "proc_maps_line.h"

/* line: NUL-terminated, writable (the path is cut at its end). */
static int parse_line(char *line, struct proc_mapping *m)
{
	const char *p = line;
	struct maps_line l;
	if (maps_line_next(&p, &l) != 1)
		return -EINVAL;
	m->start = l.start;
	m->end = l.end;
	m->prot = (l.perms[0] == 'r' ? PROT_READ : 0) | (l.perms[1] == 'w' ? PROT_WRITE : 0) |
		  (l.perms[2] == 'x' ? PROT_EXEC : 0) | (l.perms[3] == 's' ? PROC_MAPS_SHARED : 0);
	m->offset = l.offset;
	m->dev = makedev(l.dev_major, l.dev_minor);
	m->inode = l.inode;
	line[l.path - line + l.path_len] = '\0';
	m->path = l.path;
	return 0;
}

int proc_maps_each(int (*fn)(void *arg, const struct proc_mapping *m), void *arg)
{
	char buf[8192];
	size_t have = 0;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int ret = 0;
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		have += n;
		buf[have] = 0;
		char *line = buf, *nl;
		while ((nl = memchr(line, '\n', buf + have - line))) {
			struct proc_mapping m;
			*nl = 0;
			if (parse_line(line, &m) == 0 && (ret = fn(arg, &m)))
				goto out;
			line = nl + 1;
		}
		size_t rest = buf + have - line;
		if (n == 0 || rest == sizeof(buf) - 1) /* end, or a line longer than the buffer */
			break;
		memmove(buf, line, rest);
		have = rest;
	}
out:
	close(fd);
	return ret;
}

int proc_maps_read(char **text)
{
	size_t cap = 16384, len = 0;
	char *buf = malloc(cap);
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (!buf || fd < 0) {
		int err = buf ? -errno : -ENOMEM;
		free(buf);
		if (fd >= 0)
			close(fd);
		return err;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *grown = realloc(buf, cap * 2);
			if (!grown) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = grown;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;
			free(buf);
			close(fd);
			return err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*text = buf;
	return 0;
}

struct prot_query {
	uintptr_t addr;
	int prot;
};

static int find_prot(void *arg, const struct proc_mapping *m)
{
	struct prot_query *q = arg;
	if (q->addr >= m->start && q->addr < m->end) {
		q->prot = m->prot;
		return 1;
	}
	return 0;
}

int proc_maps_prot(uintptr_t addr)
{
	struct prot_query q = { addr, -ENOENT };
	int r = proc_maps_each(find_prot, &q);
	return r < 0 ? r : q.prot;
}

struct resolve_query {
	const char *path;
	const char *real;     /* the path with symbolic links resolved, or NULL */
	int by_inode;
	dev_t dev;
	ino_t inode;
	uint64_t offset;
	uintptr_t addr;
	int found;
};

static int find_offset(void *arg, const struct proc_mapping *m)
{
	struct resolve_query *q = arg;
	/* The same device and inode, or the same inode under the same name: on overlayfs the maps
	 * show the underlying file system's device, not the one stat() reports. */
	int same_name = strcmp(m->path, q->path) == 0 || (q->real && strcmp(m->path, q->real) == 0);
	int same = q->by_inode ? m->inode == q->inode && (m->dev == q->dev || same_name) : same_name;
	if (!same || !(m->prot & PROT_EXEC))
		return 0;
	if (q->offset >= m->offset && q->offset - m->offset < m->end - m->start) {
		q->addr = m->start + (q->offset - m->offset);
		q->found = 1;
		return 1;
	}
	return 0;
}

int proc_maps_resolve(const char *path, uint64_t offset, uintptr_t *addr)
{
	struct resolve_query q = { .path = path, .offset = offset };
	struct stat st;
	if (stat(path, &st) == 0 && st.st_ino) {
		q.by_inode = 1;
		q.dev = st.st_dev;
		q.inode = st.st_ino;
	}
	char *real = realpath(path, NULL);
	q.real = real;
	int r = proc_maps_each(find_offset, &q);
	free(real);
	if (r < 0)
		return r;
	if (!q.found)
		return -ENOENT;
	*addr = q.addr;
	return 0;
}

struct file_query {
	uintptr_t addr;
	char *path;
	size_t path_len;
	uintptr_t start;
	uint64_t offset;
	dev_t dev;
	ino_t inode;
	int result;
};

static int find_file(void *arg, const struct proc_mapping *m)
{
	struct file_query *q = arg;
	if (q->addr < m->start || q->addr >= m->end)
		return 0;
	if (m->path[0] != '/' || !m->inode) {
		q->result = -ENOEXEC;
		return 1;
	}
	size_t n = strlen(m->path);
	if (n >= q->path_len) {
		q->result = -ENAMETOOLONG;
		return 1;
	}
	memcpy(q->path, m->path, n + 1);
	q->start = m->start;
	q->offset = m->offset;
	q->dev = m->dev;
	q->inode = m->inode;
	q->result = 0;
	return 1;
}

int proc_maps_file_of(uintptr_t addr, char *path, size_t path_len, uintptr_t *start, uint64_t *offset,
		      dev_t *dev, ino_t *inode)
{
	struct file_query q = { addr, path, path_len, 0, 0, 0, 0, -ENOENT };
	int r = proc_maps_each(find_file, &q);
	if (r < 0)
		return r;
	if (q.result == 0) {
		*start = q.start;
		*offset = q.offset;
		*dev = q.dev;
		*inode = q.inode;
	}
	return q.result;
}
