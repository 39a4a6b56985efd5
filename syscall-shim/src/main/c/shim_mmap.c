/*
 * mmap of our map descriptors (docs/PROTOCOL.md, "mmap of map descriptors"). A map fd is a socket,
 * so the kernel cannot map it; the service answers with the map's memfd and the pieces to map,
 * after the checks the kernel makes (the maps module's BpfMap.mmap: do_mmap() on the fd's access,
 * bpf_map_mmap(), array_map_mmap(), ringbuf_map_mmap_kern()). The shim reserves the whole range and
 * maps each piece over it with MAP_FIXED: a ring's data area appears twice back to back, as the
 * kernel maps it, so a record that wraps is contiguous for the consumer.
 *
 * A writable mapping blocks BPF_MAP_FREEZE until it is unmapped (the kernel's map->writecnt): the
 * shim remembers its writable mappings and tells the service when one is unmapped entirely.
 * Everything else goes to libc untouched.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shim.h"
#include "shim_wire.h"

typedef void *(*mmap_fn)(void *, size_t, int, int, int, off_t);
typedef int (*munmap_fn)(void *, size_t);

static mmap_fn real_mmap(void)
{
	static mmap_fn fn;
	if (!fn)
		fn = (mmap_fn)shim_next("mmap");
	return fn;
}

static munmap_fn real_munmap(void)
{
	static munmap_fn fn;
	if (!fn)
		fn = (munmap_fn)shim_next("munmap");
	return fn;
}

#define MAX_WRITABLE 256

static pthread_mutex_t writable_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	unsigned long start, length;
	uint32_t id, kind;
} writable[MAX_WRITABLE];

struct mmap_answer {
	struct wire_mmap_segment segments[8];
	uint32_t count;
	int memfd;
	long result;
};

static long read_answer(const struct shim_reply *reply, void *ctx)
{
	struct mmap_answer *a = ctx;
	struct wire_reply head;
	size_t at = sizeof(head);

	a->memfd = reply->fd;
	if (reply->len < sizeof(head))
		goto bad;
	memcpy(&head, reply->buf, sizeof(head));
	if (head.magic != WIRE_MAGIC || head.status != WIRE_DONE || head.writeback_count > 8)
		goto bad;
	for (a->count = 0; a->count < head.writeback_count; a->count++) {
		struct wire_writeback wb;

		if (reply->len - at < sizeof(wb))
			goto bad;
		memcpy(&wb, reply->buf + at, sizeof(wb));
		at += sizeof(wb);
		if (wb.len != sizeof(struct wire_mmap_segment) || reply->len - at < wb.len)
			goto bad;
		memcpy(&a->segments[a->count], reply->buf + at, wb.len);
		at += wb.len;
	}
	a->result = head.result;
	return 0;
bad:
	shim_log("malformed mmap reply from the service");
	a->result = -EPERM;
	return 0;
}

static void remember_writable(void *start, size_t length, uint32_t id, uint32_t kind)
{
	pthread_mutex_lock(&writable_lock);
	for (int i = 0; i < MAX_WRITABLE; i++) {
		if (!writable[i].length) {
			writable[i].start = (unsigned long)start;
			writable[i].length = length;
			writable[i].id = id;
			writable[i].kind = kind;
			break;
		}
	}
	pthread_mutex_unlock(&writable_lock);
}

static void unmap_notify(uint32_t id, uint32_t kind)
{
	struct wire_request req = { .kind = WIRE_MAP_UNMAP, .args = { id, 1, kind } };
	struct mmap_answer ignored;

	shim_call(&req, read_answer, &ignored);
	if (ignored.memfd >= 0)
		close(ignored.memfd);
}

static void *map_object(void *addr, size_t length, int prot, int flags, int fd, off_t offset, uint32_t id,
			uint32_t kind)
{
	struct wire_request req = {
		.kind = WIRE_MAP_MMAP,
		.args = { (uint64_t)fd, (uint64_t)offset, length, (uint64_t)prot, (uint64_t)flags },
	};
	struct mmap_answer a = { .memfd = -1 };
	long page = sysconf(_SC_PAGESIZE);
	size_t total = (length + page - 1) / page * page;
	int err = 0, writable_seen = 0;
	char *base;
	long r;

	r = shim_call(&req, read_answer, &a);
	if (r < 0 || a.result < 0) {
		if (a.memfd >= 0)
			close(a.memfd);
		errno = (int)-(r < 0 ? r : a.result);
		return MAP_FAILED;
	}
	if (a.memfd < 0) {
		shim_log("mmap reply without a memfd");
		errno = EPERM;
		return MAP_FAILED;
	}
	base = real_mmap()(addr, total, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)), -1, 0);
	if (base == MAP_FAILED) {
		err = errno;
		goto out;
	}
	for (uint32_t i = 0; i < a.count; i++) {
		const struct wire_mmap_segment *s = &a.segments[i];
		int type = (flags & MAP_TYPE) == MAP_PRIVATE ? MAP_PRIVATE : MAP_SHARED;

		if (s->address_offset + s->length > total ||
		    real_mmap()(base + s->address_offset, s->length, prot, type | MAP_FIXED, a.memfd,
				(off_t)s->memfd_offset) == MAP_FAILED) {
			err = errno ? errno : EINVAL;
			real_munmap()(base, total);
			base = MAP_FAILED;
			break;
		}
		writable_seen |= s->writable != 0;
	}
out:
	close(a.memfd);
	if (base == MAP_FAILED) {
		if (writable_seen || (prot & PROT_WRITE))
			unmap_notify(id, kind);
		errno = err;
		return MAP_FAILED;
	}
	if (prot & PROT_WRITE)
		remember_writable(base, total, id, kind);
	return base;
}

/* Any object of ours: the service maps maps and buffers and answers ENODEV for the others, as
 * the kernel does for a file without an mmap operation. */
static int is_map_fd(int fd, int flags, uint32_t *id, uint32_t *kind)
{
	if (fd < 0 || (flags & MAP_ANONYMOUS) || !shim_fdtable_any())
		return 0;
	return shim_fdtable_lookup(fd, kind, id);
}

SHIM_EXPORT void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
	uint32_t id, kind;
	int saved = errno;

	if (!is_map_fd(fd, flags, &id, &kind)) {
		errno = saved;
		return real_mmap()(addr, length, prot, flags, fd, offset);
	}
	void *p = map_object(addr, length, prot, flags, fd, offset, id, kind);
	if (p != MAP_FAILED)
		errno = saved;
	return p;
}

SHIM_EXPORT void *mmap64(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
	return mmap(addr, length, prot, flags, fd, offset);
}

SHIM_EXPORT int munmap(void *addr, size_t length)
{
	unsigned long from = (unsigned long)addr, to = from + length;
	uint32_t released[8], kinds[8];
	int n = 0, r;

	r = real_munmap()(addr, length);
	if (r != 0 || !shim_fdtable_any())
		return r;
	pthread_mutex_lock(&writable_lock);
	for (int i = 0; i < MAX_WRITABLE && n < 8; i++) {
		if (writable[i].length && from <= writable[i].start &&
		    writable[i].start + writable[i].length <= to) {
			kinds[n] = writable[i].kind;
			released[n++] = writable[i].id;
			writable[i].length = 0;
		}
	}
	pthread_mutex_unlock(&writable_lock);
	int saved = errno;
	for (int i = 0; i < n; i++)
		unmap_notify(released[i], kinds[i]);
	errno = saved;
	return 0;
}
