/*
 * Waiting on our ring buffer and perf event fds with epoll, poll and ppoll (docs/PROTOCOL.md, "epoll
 * and poll on ring buffers"). The kernel's ring fd is readable while the ring holds data (ringbuf_map_poll_kern);
 * ours is a socket that never is. The ring's eventfd, written by producers at each wake-up, stands in
 * for it: epoll_ctl registers the eventfd with the app's event data, poll swaps it in for the call.
 * A level-triggered wait (libbpf's ring_buffer__poll) would find the eventfd readable forever once
 * written, since consumers read the ring, not the eventfd; so before each wait the shim calls
 * bpftime_ringbuf_poll_rearm() on every ring of that wait, which drains the eventfd when the ring
 * is empty. The eventfd is then readable exactly when the kernel's fd would be.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <linux/bpf.h>
#include <sys/epoll.h>

#include "bpftime_map.h"
#include "bpftime_perfbuf.h"
#include "bpftime_ringbuf.h"
#include "shim.h"

typedef int (*epoll_ctl_fn)(int, int, int, struct epoll_event *);
typedef int (*epoll_wait_fn)(int, struct epoll_event *, int, int);
typedef int (*epoll_pwait_fn)(int, struct epoll_event *, int, int, const sigset_t *);
typedef int (*epoll_pwait2_fn)(int, struct epoll_event *, int, const struct timespec *, const sigset_t *);
typedef int (*poll_fn)(struct pollfd *, nfds_t, int);
typedef int (*ppoll_fn)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);

#define NEXT(type, name)                                   \
	static type next_##name(void)                       \
	{                                                   \
		static type fn;                             \
		if (!fn)                                    \
			fn = (type)shim_next(#name);        \
		return fn;                                  \
	}
NEXT(epoll_ctl_fn, epoll_ctl)
NEXT(epoll_wait_fn, epoll_wait)
NEXT(epoll_pwait_fn, epoll_pwait)
NEXT(epoll_pwait2_fn, epoll_pwait2)
NEXT(poll_fn, poll)
NEXT(ppoll_fn, ppoll)

/* Which rings are registered in which epoll set: rearmed before each wait on that set. */
#define MAX_WATCHES 256
static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int epfd;
	struct shim_ring *ring;
} watches[MAX_WATCHES];

static void watch(int epfd, struct shim_ring *ring, int add)
{
	pthread_mutex_lock(&watch_lock);
	for (int i = 0; i < MAX_WATCHES; i++) {
		if (watches[i].ring == ring && watches[i].epfd == epfd) {
			if (!add)
				watches[i].ring = NULL;
			goto out;
		}
	}
	for (int i = 0; add && i < MAX_WATCHES; i++) {
		if (!watches[i].ring) {
			watches[i].epfd = epfd;
			watches[i].ring = ring;
			break;
		}
	}
out:
	pthread_mutex_unlock(&watch_lock);
}

/* A perf event's fd is readable after a wake-up until its records are read (perf_poll(); the
 * wake-up rules of its attr are the producer's, bpftime_perfbuf_set_wakeup), a ring's while it
 * holds data: each rearm drains the eventfd only when its buffer is empty. */
static void rearm_one(struct shim_ring *ring)
{
	if (bpftime_map_type(ring->map) == BPF_MAP_TYPE_RINGBUF)
		bpftime_ringbuf_poll_rearm(ring->map);
	else if (bpftime_map_type(ring->map) == BPFTIME_OBJ_PERF_BUFFER)
		bpftime_perfbuf_poll_rearm(ring->map);
}

static void rearm(int epfd)
{
	pthread_mutex_lock(&watch_lock);
	for (int i = 0; i < MAX_WATCHES; i++)
		if (watches[i].ring && watches[i].epfd == epfd)
			rearm_one(watches[i].ring);
	pthread_mutex_unlock(&watch_lock);
}

SHIM_EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
	int saved = errno;
	struct shim_ring *ring = fd >= 0 ? shim_ring_of(fd) : NULL;

	errno = saved;
	if (!ring)
		return next_epoll_ctl()(epfd, op, fd, event);
	int r = next_epoll_ctl()(epfd, op, ring->eventfd, event);
	if (r == 0)
		watch(epfd, ring, op != EPOLL_CTL_DEL);
	return r;
}

SHIM_EXPORT int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
	if (shim_fdtable_any()) {
		int saved = errno;
		rearm(epfd);
		errno = saved;
	}
	return next_epoll_wait()(epfd, events, maxevents, timeout);
}

SHIM_EXPORT int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout,
			    const sigset_t *sigmask)
{
	if (shim_fdtable_any()) {
		int saved = errno;
		rearm(epfd);
		errno = saved;
	}
	return next_epoll_pwait()(epfd, events, maxevents, timeout, sigmask);
}

SHIM_EXPORT int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents, const struct timespec *timeout,
			     const sigset_t *sigmask)
{
	if (!next_epoll_pwait2()) {
		errno = ENOSYS;
		return -1;
	}
	if (shim_fdtable_any()) {
		int saved = errno;
		rearm(epfd);
		errno = saved;
	}
	return next_epoll_pwait2()(epfd, events, maxevents, timeout, sigmask);
}

/* Swaps each ring fd of the set for its (rearmed) eventfd; returns how many, with the originals. */
static int swap_in(struct pollfd *fds, nfds_t n, int *original)
{
	int swapped = 0, saved = errno;

	for (nfds_t i = 0; i < n; i++) {
		struct shim_ring *ring = fds[i].fd >= 0 ? shim_ring_of(fds[i].fd) : NULL;

		original[i] = fds[i].fd;
		if (ring) {
			rearm_one(ring);
			fds[i].fd = ring->eventfd;
			swapped++;
		}
	}
	errno = saved;
	return swapped;
}

static void swap_out(struct pollfd *fds, nfds_t n, const int *original)
{
	for (nfds_t i = 0; i < n; i++)
		fds[i].fd = original[i];
}

#define POLL_SWAP_MAX 1024

SHIM_EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	int original[POLL_SWAP_MAX];

	if (!shim_fdtable_any() || n > POLL_SWAP_MAX || !swap_in(fds, n, original))
		return next_poll()(fds, n, timeout);
	int r = next_poll()(fds, n, timeout);
	swap_out(fds, n, original);
	return r;
}

SHIM_EXPORT int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *sigmask)
{
	int original[POLL_SWAP_MAX];

	if (!shim_fdtable_any() || n > POLL_SWAP_MAX || !swap_in(fds, n, original))
		return next_ppoll()(fds, n, timeout, sigmask);
	int r = next_ppoll()(fds, n, timeout, sigmask);
	swap_out(fds, n, original);
	return r;
}
