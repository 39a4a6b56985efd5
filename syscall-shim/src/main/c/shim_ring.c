/*
 * Ring buffers opened in the app's process for its waits (shim_epoll.c): the service passes the
 * ring's memfd and eventfd (WIRE_MAP_BUFFER_FD), the maps module maps the ring's header from the
 * memfd (bpftime_map_open) so that bpftime_ringbuf_poll_rearm() can tell whether data is waiting.
 * One entry per map id, kept for the process's life: a ring's memory and eventfd are small, and an
 * eventfd may still sit in an epoll set of the app after the map fd is closed.
 *
 * Our copies of the descriptors are moved high in the table (as the service socket is) so that the
 * app's next descriptor numbers are the ones the kernel would give.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpftime_map.h"
#include "fd_high.h"
#include "shim.h"
#include "shim_wire.h"

#define MAX_RINGS 64

static pthread_mutex_t rings_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shim_ring rings[MAX_RINGS];
static int ring_count;

static long take_fd(const struct shim_reply *reply, void *ctx)
{
	struct wire_reply head;

	*(int *)ctx = reply->fd;
	if (reply->len < sizeof(head))
		return -EPROTO;
	memcpy(&head, reply->buf, sizeof(head));
	if (head.magic != WIRE_MAGIC || head.status != WIRE_DONE)
		return -EPROTO;
	return head.result;
}

/* A descriptor of ours far above the app's (fd_high.h), or -1 (fd closed) where none is free there. */
static int high_copy(int fd)
{
	int high = fd_move_high(fd, 128);

	if (high < 0)
		close(fd);
	return high < 0 ? -1 : high;
}

static int buffer_fd(int fd, int which)
{
	struct wire_request req = { .kind = WIRE_MAP_BUFFER_FD, .args = { (uint64_t)fd, (uint64_t)which } };
	int got = -1;
	long r = shim_call(&req, take_fd, &got);

	if (r < 0) {
		if (got >= 0)
			close(got);
		return -1;
	}
	return got < 0 ? -1 : high_copy(got);
}

struct shim_ring *shim_ring_of(int fd)
{
	struct shim_ring *found = NULL;
	uint32_t kind, id;
	int memfd, eventfd;

	/* maps, and later perf events: the service says which have a buffer */
	if (!shim_fdtable_any() || !shim_fdtable_lookup(fd, &kind, &id) || kind == WIRE_OBJ_PROG ||
	    kind == WIRE_OBJ_BTF || kind == WIRE_OBJ_LINK)
		return NULL;
	pthread_mutex_lock(&rings_lock);
	for (int i = 0; i < ring_count; i++)
		if (rings[i].id == id && rings[i].kind == kind)
			found = &rings[i];
	pthread_mutex_unlock(&rings_lock);
	if (found)
		return found;

	memfd = buffer_fd(fd, 0);
	if (memfd < 0)
		return NULL; /* not a ring: the service refused */
	eventfd = buffer_fd(fd, 1);
	struct bpftime_map *map = NULL;
	if (eventfd < 0 || bpftime_map_open(memfd, eventfd, &map) != 0) {
		shim_log("cannot open ring buffer map %u in this process", id);
		close(memfd);
		if (eventfd >= 0)
			close(eventfd);
		return NULL;
	}
	close(memfd);
	pthread_mutex_lock(&rings_lock);
	for (int i = 0; i < ring_count; i++)
		if (rings[i].id == id && rings[i].kind == kind)
			found = &rings[i];
	if (!found && ring_count < MAX_RINGS) {
		found = &rings[ring_count++];
		*found = (struct shim_ring){ .id = id, .kind = kind, .map = map, .eventfd = eventfd };
		map = NULL;
	}
	pthread_mutex_unlock(&rings_lock);
	if (map) {
		bpftime_map_close(map);
		close(eventfd);
	}
	return found;
}

/*
 * For producers in a shimmed process (tests now, in-process agents later): new descriptors of the
 * ring or perf buffer behind map fd, its memfd and its eventfd, which the caller owns and may open
 * with the maps module (bpftime_map_open). Returns 0, or -errno (EINVAL: not a buffer of ours).
 */
SHIM_EXPORT int bpftime_shim_buffer_fds(int fd, int *memfd, int *eventfd)
{
	uint32_t kind, id;
	int m, e;

	if (!shim_fdtable_any() || !shim_fdtable_lookup(fd, &kind, &id) || kind != WIRE_OBJ_MAP)
		return -EINVAL;
	m = buffer_fd(fd, 0);
	if (m < 0)
		return -EINVAL;
	e = buffer_fd(fd, 1);
	if (e < 0) {
		close(m);
		return -EINVAL;
	}
	*memfd = fcntl(m, F_DUPFD_CLOEXEC, 3);
	*eventfd = fcntl(e, F_DUPFD_CLOEXEC, 3);
	close(m);
	close(e);
	if (*memfd < 0 || *eventfd < 0) {
		if (*memfd >= 0)
			close(*memfd);
		if (*eventfd >= 0)
			close(*eventfd);
		return -EMFILE;
	}
	return 0;
}
